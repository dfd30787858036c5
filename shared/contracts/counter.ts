// 综合窗口 (server/counter/): what a clerk sends to file for the person in front of them, and
// what an application filed at the counter says about where and by whom.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, Named, Nullable } from './common.js';

export const CounterApplicant = Named(
  'CounterApplicant',
  Closed(
    {
      idNumber: Type.String({ description: '公民身份号码 of the applicant (for a company, of its agent), checked against the identity library with the name' }),
      name: Type.String({ description: 'the name on the ID card' }),
      mobile: Type.Optional(Type.String({ description: "the applicant's mainland mobile number, for notices; kept on a person first recorded at the counter" })),
      company: Type.Optional(Closed({ creditCode: Type.String({ description: '统一社会信用代码, checked with the registrar through the data exchange' }) })),
    },
    { description: "A clerk only: the person the application is filed for. A citizen sending it is refused with 403; a bad value with 422 naming it (`applicant.idNumber`, `applicant.name`, `applicant.mobile`, `applicant.company.creditCode`)" },
  ),
);
export type CounterApplicant = Static<typeof CounterApplicant>;

export const CounterFiled = Closed(
  {
    clerk: Type.String({ description: 'the clerk who filed it, by name' }),
    window: Type.String({ description: 'the window it was filed at (COUNTER_WINDOW)' }),
    company: Nullable(Closed({ creditCode: Type.String(), name: Type.String(), powerOfAttorney: Nullable(Type.String({ description: "the agent's 委托书 as uploaded (its file name), null until it is" })) })),
  },
  { description: '综合窗口: present only for an application a clerk filed at the counter' },
);

export const PresentedQuery = Type.Object({
  number: Type.String({ description: '办件编号 the applicant presents' }),
  idNumber: Type.String({ description: "the applicant's 公民身份号码" }),
});

export const ScanResult = Closed({
  code: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  mime: Type.String(),
  fileName: Type.String(),
  pages: Type.Integer({ description: 'pages in the stored PDF' }),
});

export const PowerOfAttorney = Closed({ fileName: Type.String(), sha256: Type.String() });
