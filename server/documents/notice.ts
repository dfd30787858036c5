// 一次性告知书: everything the applicant still has to hand in, in one notice, so that nobody is
// sent back twice (一次性告知制度). Two occasions: departments asked for a 补正 after filing (each
// request with its reason and its last day), or a draft is not complete yet (what the form and
// the materials still lack, as the submission would refuse it).
import { beijingTime } from '../../shared/beijing-time.js';
import { chineseDate } from '../../shared/printed-value.js';
import { maskName } from '../../shared/identifiers.js';
import { maskedApplicantRows, numberText, type DocumentApplicant } from './applicant.js';
import { renderDocument, type DocumentSection, type Row } from './pdf.js';

export interface SupplementAsked {
  itemTitle: string;
  departmentName: string;
  reason: string | null;
  materials: readonly string[];
  /** Titles of the information asked for. */
  fields: readonly string[];
  /** The last Beijing day to answer (YYYY-MM-DD); null for requests made before deadlines were kept. */
  dueDate: string | null;
  requestedAt: string;
}

export interface StillMissing {
  materials: readonly string[];
  /** Each missing or wrong piece of information: its title and what is wrong. */
  fields: readonly { title: string; problem: string }[];
  /** Why the applicant cannot apply as answered (不符合办理条件). */
  ineligible: readonly string[];
}

export type NoticeDocument = {
  number: string | null;
  bundleTitle: string;
  applicant: DocumentApplicant;
  /** When the notice is issued: the latest request, or now for a draft. */
  issuedAt: Date;
} & ({ kind: 'supplement'; submittedAt: Date; requests: readonly SupplementAsked[] } | { kind: 'incomplete'; missing: StillMissing });

/** `['a', 'b']` → `1. a\n2. b`: one per line, as a list to tick off. */
export function numbered(list: readonly string[]): string {
  return list.map((x, i) => `${i + 1}. ${x}`).join('\n');
}

/** The earliest last day among the requests: the date that matters first. */
export function earliestDue(requests: readonly SupplementAsked[]): string | null {
  const days = requests.map((r) => r.dueDate).filter((d): d is string => d !== null).sort();
  return days[0] ?? null;
}

function supplementSections(requests: readonly SupplementAsked[]): DocumentSection[] {
  return requests.map((r, i) => {
    const rows: Row[] = [];
    rows.push(['补正原因', r.reason ?? '（部门未说明）']);
    if (r.materials.length) rows.push(['需补正的材料', numbered(r.materials)]);
    if (r.fields.length) rows.push(['需补正的信息', numbered(r.fields)]);
    rows.push(['告知时间', beijingTime(r.requestedAt)]);
    rows.push(['补正截止日期', r.dueDate ? chineseDate(r.dueDate) : '（未设期限）']);
    return { heading: `${i + 1}. ${r.itemTitle}（${r.departmentName}）`, rows };
  });
}

function missingSections(m: StillMissing): DocumentSection[] {
  const sections: DocumentSection[] = [];
  if (m.ineligible.length) sections.push({ heading: '不符合办理条件', rows: m.ineligible.map((r, i) => [`${i + 1}.`, r] as Row) });
  if (m.materials.length) sections.push({ heading: '需要提交的材料', rows: m.materials.map((t, i) => [`${i + 1}.`, t] as Row) });
  if (m.fields.length) sections.push({ heading: '需要填写或更正的信息', rows: m.fields.map((f, i) => [`${i + 1}. ${f.title}`, f.problem] as Row) });
  return sections;
}

export function renderNotice(d: NoticeDocument): Promise<Uint8Array> {
  const head: Row[] = [['办件编号', numberText(d.number)], ['申请事项', d.bundleTitle], ...maskedApplicantRows(d.applicant), ['告知日期', chineseDate(beijingTime(d.issuedAt).slice(0, 10))]];
  const greeting = `${maskName(d.applicant.name)}：`;
  if (d.kind === 'supplement') {
    const due = earliestDue(d.requests);
    return renderDocument({
      title: '一次性告知书',
      subtitle: `补正材料告知 · ${d.bundleTitle}`,
      intro: [
        greeting,
        `您于${beijingTime(d.submittedAt)}提交的「${d.bundleTitle}」申请，经有关部门审查，需要补正以下全部材料和信息（共 ${d.requests.length} 个部门）。本告知书已一次性列明所有需补正的内容，请在截止日期前一并补齐。`,
      ],
      rows: [...head, ['最早截止日期', due ? chineseDate(due) : '（未设期限）']],
      sections: supplementSections(d.requests),
      paragraphs: [
        '补正方式：登录一件事一次办平台，在“我的申请”中打开本申请，按提示填写信息、上传材料后提交；也可以携带本告知书和身份证件到政务服务中心综合窗口办理。',
        '补正期间不计入承诺办结时限；补正提交后，有关部门继续办理，其他部门的办理不受影响。',
      ],
      footer: `本告知书由一件事一次办平台于${beijingTime(d.issuedAt)}（北京时间）生成。`,
      createdAt: d.issuedAt,
      author: '一件事一次办',
    });
  }
  return renderDocument({
    title: '一次性告知书',
    subtitle: `申请材料告知 · ${d.bundleTitle}`,
    intro: [greeting, `您正在办理的「${d.bundleTitle}」尚未提交，按现在的填写情况，还需要补齐以下全部材料和信息，补齐后即可一次提交。`],
    rows: head,
    sections: missingSections(d.missing),
    paragraphs: ['补齐方式：登录一件事一次办平台，在“我的申请”中继续填写本申请；也可以携带本告知书、所列材料和身份证件到政务服务中心综合窗口办理。'],
    footer: `本告知书由一件事一次办平台于${beijingTime(d.issuedAt)}（北京时间）按当时的填写情况生成，以提交时的审查结果为准。`,
    createdAt: d.issuedAt,
    author: '一件事一次办',
  });
}
