// 一件事申请表: the one combined form of a bundle with the applicant's answers, as reviewed with
// them and signed (at the window by both the applicant and the clerk). Printed as people read a
// form: section titles and field labels, a choice by its label, never a field code or a value code.
import { beijingTime } from '../../shared/beijing-time.js';
import { numberText } from './applicant.js';
import { renderDocument, type DocumentSection, type Row } from './pdf.js';

export interface FormDocument {
  number: string | null;
  bundleTitle: string;
  applicantName: string;
  /** Null for a draft (printed for review before submitting). */
  submittedAt: Date | null;
  items: readonly { title: string; departmentName: string }[];
  /** The form's sections with the answers already printable; empty sections are left out. */
  sections: readonly DocumentSection[];
  printedAt: Date;
}

export const DECLARATION = '本人承诺：以上填写的信息和提交的材料真实、准确、完整，如有虚假，愿意承担相应的法律责任；同意有关部门为办理本事项共享、核验上述信息。';

export function renderForm(d: FormDocument): Promise<Uint8Array> {
  const rows: Row[] = [
    ['办件编号', numberText(d.number)],
    ['申请事项', d.bundleTitle],
    ['申请人', d.applicantName],
    ['提交时间', d.submittedAt ? beijingTime(d.submittedAt) : '未提交（草稿，供核对）'],
  ];
  return renderDocument({
    title: '一件事申请表',
    subtitle: d.bundleTitle,
    rows,
    sections: [
      { heading: '申请办理的事项', rows: d.items.map((i, n) => [`${n + 1}.`, `${i.title}（承办部门：${i.departmentName}）`] as Row) },
      ...d.sections.filter((s) => s.rows.length > 0),
    ],
    paragraphs: [DECLARATION],
    signatures: ['申请人（签字）', '窗口受理人员（签字）'],
    footer: `本申请表由一件事一次办平台于${beijingTime(d.printedAt)}（北京时间）生成；表中内容与平台记录一致。`,
    createdAt: d.submittedAt ?? d.printedAt,
    author: '一件事一次办',
  });
}
