/**
 * The simulated licence library's and data exchange's records for the demo identities
 * (server/auth/demo-provider.ts). Consistent with each other: 张伟 and 李娜 are married (one
 * marriage certificate number), 张伟 is the legal representative of a company with its business
 * licence. Some are missing or expired on purpose, so the portal shows both paths:
 *   李娜   no social security card in the library (must be uploaded)
 *   王芳   ID card expired on 2024-11-19 (must be uploaded); no marriage certificate in the library
 */
import type { LicenceRecord } from '../connectors/types.js';

export const ZHANG = { idNumber: '430102199003077716', name: '张伟' };
export const LI = { idNumber: '430104199208154327', name: '李娜' };
export const WANG = { idNumber: '430105198811206525', name: '王芳' };
export const COMPANY = { creditCode: '91430102MA4T8XQ21Q', name: '长沙市芙蓉区绿源商贸有限公司' };

type Seed = Omit<LicenceRecord, 'file'>;

export const LICENCES: readonly Seed[] = [
  // 张伟
  { type: 'idCard', licenceNumber: ZHANG.idNumber, issuer: '长沙市公安局芙蓉分局', issuedOn: '2019-03-07', validUntil: '2039-03-07', holder: ZHANG, fields: { 姓名: '张伟', 性别: '男', 民族: '汉', 住址: '湖南省长沙市芙蓉区五一大道 100 号' } },
  { type: 'householdRegister', licenceNumber: '430102004512', issuer: '长沙市公安局芙蓉分局定王台派出所', issuedOn: '2018-06-12', validUntil: null, holder: ZHANG, fields: { 户主: '张伟', 户别: '家庭户', 住址: '湖南省长沙市芙蓉区五一大道 100 号' } },
  { type: 'marriageCertificate', licenceNumber: 'J430102-2018-004512', issuer: '长沙市芙蓉区民政局', issuedOn: '2018-05-20', validUntil: null, holder: ZHANG, fields: { 持证人: '张伟', 配偶: '李娜', 登记日期: '2018-05-20' } },
  { type: 'socialSecurityCard', licenceNumber: 'A43010277', issuer: '长沙市人力资源和社会保障局', issuedOn: '2015-09-01', validUntil: null, holder: ZHANG, fields: { 社会保障号码: ZHANG.idNumber } },
  { type: 'businessLicence', licenceNumber: COMPANY.creditCode, issuer: '长沙市芙蓉区市场监督管理局', issuedOn: '2021-04-08', validUntil: null, holder: { creditCode: COMPANY.creditCode, name: COMPANY.name }, fields: { 名称: COMPANY.name, 类型: '有限责任公司（自然人投资或控股）', 法定代表人: '张伟', 注册资本: '50 万元人民币', 成立日期: '2021-04-08' } },
  // 李娜
  { type: 'idCard', licenceNumber: LI.idNumber, issuer: '长沙市公安局天心分局', issuedOn: '2016-08-15', validUntil: '2036-08-15', holder: LI, fields: { 姓名: '李娜', 性别: '女', 民族: '汉', 住址: '湖南省长沙市芙蓉区五一大道 100 号' } },
  { type: 'householdRegister', licenceNumber: '430102004512', issuer: '长沙市公安局芙蓉分局定王台派出所', issuedOn: '2018-06-12', validUntil: null, holder: LI, fields: { 户主: '张伟', 与户主关系: '妻', 住址: '湖南省长沙市芙蓉区五一大道 100 号' } },
  { type: 'marriageCertificate', licenceNumber: 'J430102-2018-004513', issuer: '长沙市芙蓉区民政局', issuedOn: '2018-05-20', validUntil: null, holder: LI, fields: { 持证人: '李娜', 配偶: '张伟', 登记日期: '2018-05-20' } },
  { type: 'terminationProof', licenceNumber: 'JC-430104-2026-01187', issuer: '长沙市天心区人力资源和社会保障局', issuedOn: '2026-09-30', validUntil: null, holder: LI, fields: { 原单位: '湖南星城商贸有限公司', 解除日期: '2026-09-30' } },
  // 王芳
  { type: 'idCard', licenceNumber: WANG.idNumber, issuer: '长沙市公安局雨花分局', issuedOn: '2004-11-19', validUntil: '2024-11-19', holder: WANG, fields: { 姓名: '王芳', 性别: '女', 民族: '汉', 住址: '湖南省长沙市开福区湘江中路 1 号' } },
  { type: 'householdRegister', licenceNumber: '430105007731', issuer: '长沙市公安局开福分局湘雅路派出所', issuedOn: '2012-03-02', validUntil: null, holder: WANG, fields: { 户主: '陈强', 与户主关系: '妻', 住址: '湖南省长沙市开福区湘江中路 1 号' } },
  { type: 'socialSecurityCard', licenceNumber: 'A43010581', issuer: '长沙市人力资源和社会保障局', issuedOn: '2013-05-10', validUntil: null, holder: WANG, fields: { 社会保障号码: WANG.idNumber } },
];

/** Department → records keyed by 公民身份号码 or 统一社会信用代码; values keyed by data element id. */
export const RECORDS: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>> = {
  market: {
    // The registrar finds the company by its credit code or by its legal representative.
    [COMPANY.creditCode]: companyRecord(),
    [ZHANG.idNumber]: companyRecord(),
  },
  hrss: {
    [ZHANG.idNumber]: { 'person.insuredMonths': 38 },
    [LI.idNumber]: { 'person.insuredMonths': 14 },
  },
};

function companyRecord(): Record<string, unknown> {
  return {
    'company.name': COMPANY.name,
    'company.creditCode': COMPANY.creditCode,
    'legalRep.name': ZHANG.name,
    'legalRep.idNumber': ZHANG.idNumber,
    'company.abnormalOperation': false,
    'company.seriousViolation': false,
    'company.equityFrozen': false,
    'company.underInvestigation': false,
    'company.licenceRevoked': false,
    'company.branchesOpen': false,
  };
}

/**
 * The licence file: a small real PDF (the product checks types by content) naming the licence in
 * ASCII, the same bytes every time for the same licence, so its sha256 is stable.
 */
export function licencePdf(l: Pick<LicenceRecord, 'type' | 'licenceNumber' | 'issuedOn'>): Buffer {
  const line = `Electronic licence ${l.type} No. ${l.licenceNumber} issued ${l.issuedOn}`.replace(/[()\\]/g, '');
  const stream = `BT /F1 12 Tf 50 750 Td (${line}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
