import type { ConnectorRegistry } from '../connectors/types.js';
import { ConnectorError } from '../connectors/errors.js';
import { checkCreditCode, checkIdNumber, checkMobile } from '../../shared/identifiers.js';
import { ApplicantError, IdentityUnavailableError } from './errors.js';
import type { CounterApplicant } from '../../shared/contracts/counter.js';

/** The licence type whose library entry is a person's identity (居民身份证): number and name. */
const IDENTITY_LICENCE = 'idCard';
/** The department whose records name a company by its 统一社会信用代码 (市场监管). */
const COMPANY_REGISTRAR = 'market';
const MAX_NAME = 50;

export interface Identified {
  idNumber: string;
  name: string;
  mobile?: string;
  company?: { creditCode: string; name: string };
}

/**
 * The person in front of the clerk, checked: the number and name well formed, then the number
 * found in the identity library (the licence library's 居民身份证) under that very name; for a
 * company, its 统一社会信用代码 found in the registrar's records through the data exchange.
 * Each refusal names the field at fault.
 */
export async function identify(connectors: ConnectorRegistry | undefined, applicant: CounterApplicant, actor: string): Promise<Identified> {
  const idNumber = applicant.idNumber.trim().toUpperCase();
  const name = applicant.name.trim();
  const bad = checkIdNumber(idNumber);
  if (bad) throw new ApplicantError('applicant.idNumber', bad.zh, bad.en);
  if (name === '') throw new ApplicantError('applicant.name', '请填写申请人姓名', "enter the applicant's name");
  if (Array.from(name).length > MAX_NAME) throw new ApplicantError('applicant.name', `姓名最多 ${MAX_NAME} 个字`, `at most ${MAX_NAME} characters`);
  const mobile = applicant.mobile?.replace(/[\s-]/g, '');
  if (mobile !== undefined && mobile !== '') {
    const badMobile = checkMobile(mobile);
    if (badMobile) throw new ApplicantError('applicant.mobile', badMobile.zh, badMobile.en);
  }
  const contact = mobile ? { mobile } : {};
  const creditCode = applicant.company?.creditCode.trim().toUpperCase();
  if (creditCode !== undefined) {
    const badCode = checkCreditCode(creditCode);
    if (badCode) throw new ApplicantError('applicant.company.creditCode', badCode.zh, badCode.en);
  }

  const library = connectors?.licenceFor(IDENTITY_LICENCE);
  if (!library) throw new IdentityUnavailableError();
  const context = { actor, purpose: 'counter-identify' };
  const card = await ask(() => library.fetch({ type: IDENTITY_LICENCE, holder: { idNumber, name } }, context));
  if (!card || card.holder.idNumber !== idNumber) {
    throw new ApplicantError('applicant.idNumber', '身份信息库中没有这个公民身份号码，请核对证件', 'The identity library has no person with this ID number; check the ID card');
  }
  if (card.holder.name !== name) {
    throw new ApplicantError('applicant.name', '姓名与公民身份号码登记的姓名不符，请核对证件', 'The name is not the one registered under this ID number; check the ID card');
  }
  if (creditCode === undefined) return { idNumber, name, ...contact };

  const registrar = connectors?.dataFor(COMPANY_REGISTRAR);
  if (!registrar) throw new IdentityUnavailableError();
  const record = await ask(() => registrar.records({ department: COMPANY_REGISTRAR, key: { kind: 'creditCode', value: creditCode }, fields: ['company.name', 'company.creditCode'] }, context));
  const companyName = record?.['company.name'];
  if (!record || typeof companyName !== 'string') {
    throw new ApplicantError('applicant.company.creditCode', '登记机关没有这个统一社会信用代码的企业，请核对营业执照', 'The registrar has no company with this credit code; check the business licence');
  }
  return { idNumber, name, ...contact, company: { creditCode, name: companyName } };
}

/** The exchange not answering is a 503 (try again), never a refusal of the applicant. */
async function ask<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ConnectorError) throw new IdentityUnavailableError();
    throw err;
  }
}
