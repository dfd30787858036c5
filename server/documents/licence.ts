// The PDF of an issued licence (电子证照) as the citizen downloads it from 我的证照.
import { renderDocument } from './pdf.js';
import { chineseDate } from '../../shared/printed-value.js';

export interface LicenceDocument {
  title: string;
  licenceNumber: string;
  holderName: string;
  /** 公民身份号码 or 统一社会信用代码 of the holder, when known. */
  holderId?: string;
  holderIdLabel?: string;
  issuerName: string;
  issuedOn: string;
  validUntil: string | null;
  /** The licence's contents: label and value, as printed. */
  fields: readonly (readonly [string, string])[];
  applicantName: string;
  bundleTitle: string;
  itemTitle: string;
  /** Whether the licence library confirmed the licence (the connector answered). */
  inLibrary: boolean;
}

export function renderLicence(d: LicenceDocument): Promise<Uint8Array> {
  const rows: [string, string][] = [
    ['证照名称', d.title],
    ['证照编号', d.licenceNumber],
    ['持证主体', d.holderName],
    ...(d.holderId ? [[d.holderIdLabel ?? '证件号码', d.holderId] as [string, string]] : []),
    ['发证机关', d.issuerName],
    ['发证日期', chineseDate(d.issuedOn)],
    ['有效期至', d.validUntil ? chineseDate(d.validUntil) : '长期'],
    ...d.fields.map(([label, value]) => [label, value] as [string, string]),
    ['申请人', d.applicantName],
    ['办理事项', `${d.bundleTitle} · ${d.itemTitle}`],
  ];
  return renderDocument({
    title: d.title,
    subtitle: '电子证照 · 办结结果',
    rows,
    paragraphs: [
      `本证照由${d.issuerName}办结「${d.itemTitle}」后签发，已存入申请人的个人档案（一人一档），后续办理其他事项时可直接复用，无需再次提交。`,
    ],
    footer: d.inLibrary
      ? '本证照已登记至电子证照库，可通过数据共享核验。'
      : '本文件为一件事一次办平台根据部门办结结果生成的存档件；电子证照库登记以证照库查询结果为准。',
    createdAt: new Date(`${d.issuedOn}T00:00:00+08:00`),
    author: d.issuerName,
  });
}
