// 办结通知书: the application is finished; what each department decided and produced (the
// certificate numbers, the new 公民身份号码…), and where the electronic licences are kept.
import { beijingTime } from '../../shared/beijing-time.js';
import { maskedApplicantRows, numberText, type DocumentApplicant } from './applicant.js';
import { renderDocument, type DocumentSection, type Row } from './pdf.js';

export interface CompletedItem {
  title: string;
  departmentName: string;
  /** completed, or rejected (不予办理) with its reason. */
  status: 'completed' | 'rejected';
  reason: string | null;
  /** The item's results, label and printed value. */
  outputs: readonly Row[];
  completedAt: Date | null;
}

export interface CompletionDocument {
  number: string | null;
  bundleTitle: string;
  applicant: DocumentApplicant;
  submittedAt: Date;
  completedAt: Date;
  items: readonly CompletedItem[];
  /** Titles of the electronic licences issued into 我的证照. */
  licences: readonly string[];
}

export function outcomeText(items: readonly CompletedItem[]): string {
  const done = items.filter((i) => i.status === 'completed').length;
  if (done === items.length) return `全部办结（${done} 项）`;
  if (done === 0) return `不予办理（${items.length} 项）`;
  return `部分办结（办结 ${done} 项，不予办理 ${items.length - done} 项）`;
}

function itemSection(item: CompletedItem, n: number): DocumentSection {
  const rows: Row[] = [['办理结果', item.status === 'completed' ? '已办结' : '不予办理']];
  if (item.status === 'rejected') rows.push(['原因', item.reason ?? '（部门未说明）']);
  rows.push(...item.outputs);
  if (item.completedAt) rows.push(['办结时间', beijingTime(item.completedAt)]);
  return { heading: `${n + 1}. ${item.title}（${item.departmentName}）`, rows };
}

export function renderCompletion(d: CompletionDocument): Promise<Uint8Array> {
  const rows: Row[] = [
    ['办件编号', numberText(d.number)],
    ['申请事项', d.bundleTitle],
    ...maskedApplicantRows(d.applicant),
    ['提交时间', beijingTime(d.submittedAt)],
    ['办结时间', beijingTime(d.completedAt)],
    ['办理结果', outcomeText(d.items)],
  ];
  const paragraphs = [
    d.licences.length
      ? `以下电子证照已存入您的个人档案，可在“我的证照”中查看和下载，今后办理其他事项时可直接复用：${d.licences.join('、')}。`
      : '办理结果已记入您的个人档案，可在“我的申请”中查看。',
    '对办理结果有异议的，可以依法申请行政复议或者提起行政诉讼。欢迎对本次服务作出评价（好差评）。',
  ];
  return renderDocument({
    title: '办结通知书',
    subtitle: `一件事一次办 · ${d.bundleTitle}`,
    rows,
    sections: d.items.map(itemSection),
    paragraphs,
    footer: `本通知书由一件事一次办平台于${beijingTime(d.completedAt)}（北京时间）办结时生成。`,
    createdAt: d.completedAt,
    author: '一件事一次办',
  });
}
