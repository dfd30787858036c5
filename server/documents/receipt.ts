// 受理回执: what the applicant takes away when the application is filed (online or at the
// window): its 办件编号, who applied (masked), each item and the department that handles it,
// the promised completion date, and how to follow progress without signing in (查询码 + QR).
import { beijingTime } from '../../shared/beijing-time.js';
import { formatQueryCode } from '../../shared/query-code.js';
import { chineseDate } from '../../shared/printed-value.js';
import { maskedApplicantRows, numberText, type DocumentApplicant } from './applicant.js';
import { renderDocument, type Row } from './pdf.js';
import { qrMatrix } from './qr.js';

export interface ReceiptDocument {
  number: string | null;
  bundleTitle: string;
  applicant: DocumentApplicant;
  submittedAt: Date;
  /** The last Beijing day of the bundle's promise (YYYY-MM-DD), null without a promise. */
  promisedLastDay: string | null;
  promise: { days: number; unit: 'working' | 'natural' } | null;
  items: readonly { title: string; departmentName: string }[];
  queryCode: string;
  /** The public progress page where the number and code are typed. */
  queryPage: string;
  /** What the QR code opens: the same page with the number and code filled in. */
  queryLink: string;
}

export function promiseText(lastDay: string | null, promise: ReceiptDocument['promise']): string {
  if (!lastDay) return '本事项未设承诺办结时限，办理进度请随时查询';
  const limit = promise ? `（承诺 ${promise.days} 个${promise.unit === 'working' ? '工作日' : '自然日'}内办结，补正期间不计入）` : '';
  return `${chineseDate(lastDay)}前${limit}`;
}

export function renderReceipt(d: ReceiptDocument): Promise<Uint8Array> {
  const code = formatQueryCode(d.queryCode);
  const rows: Row[] = [
    ['办件编号', numberText(d.number)],
    ['申请事项', d.bundleTitle],
    ...maskedApplicantRows(d.applicant),
    ['受理时间', beijingTime(d.submittedAt)],
    ['承诺办结日期', promiseText(d.promisedLastDay, d.promise)],
    ['进度查询码', code],
  ];
  return renderDocument({
    title: '受理回执',
    subtitle: `一件事一次办 · ${d.bundleTitle}`,
    rows,
    sections: [
      {
        heading: `联办事项（共 ${d.items.length} 项）`,
        rows: d.items.map((i, n) => [`${n + 1}.`, `${i.title}（承办部门：${i.departmentName}）`] as Row),
      },
    ],
    paragraphs: [
      '您的申请已提交并受理，由上述部门并联办理，无需再到各部门分别提交。部门需要补正材料或办结时，将通过站内消息和短信通知您。',
    ],
    qr: {
      matrix: qrMatrix(d.queryLink),
      caption: ['扫描右侧二维码，或访问', d.queryPage, `输入办件编号和查询码 ${code} 即可查询办理进度（无需登录）。`, '请妥善保管本回执，查询码请勿告知无关人员。'],
    },
    footer: `本回执由一件事一次办平台于${beijingTime(d.submittedAt)}（北京时间）受理时生成。`,
    createdAt: d.submittedAt,
    author: '一件事一次办',
  });
}
