// What an applicant is told, and how: the notice texts of the 消息中心 (in-site) and of SMS, in
// Chinese and English. Pure: the server renders them when a message is read or sent, from the
// facts the notice stored when the status changed.
import { beijingTime } from './beijing-time.js';
import { maskIdNumber, maskMobile } from './identifiers.js';

/** A deadline is a Beijing day (`2026-12-17`) or an instant; either is shown as people read it. */
const dueText = (due: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(due) ? due : beijingTime(due));

export const NOTICE_EVENTS = ['submitted', 'accepted', 'refused', 'supplement', 'licence-needed', 'completed', 'results-ready'] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

export const NOTICE_CHANNELS = ['inbox', 'sms'] as const;
export type NoticeChannelName = (typeof NOTICE_CHANNELS)[number];

/** The facts a notice keeps (its `payload`): titles and times, never an id a person would have to read. */
export interface NoticeFacts {
  event: NoticeEvent;
  bundleTitle: string;
  /** The 办件编号, once applications carry one. */
  number: string | null;
  submittedAt: string | null;
  /** When the event happened (ISO 8601). */
  at: string;
  itemTitle?: string;
  /** Department code; the name is looked up when the notice is rendered. */
  department?: string;
  reason?: string | null;
  /** Titles of the materials a 补正 asks for. */
  materials?: string[];
  /** How many items of information a 补正 asks for besides materials. */
  fields?: number;
  /** The 补正 deadline, when one is set. */
  dueBy?: string | null;
}

export interface RenderInput extends NoticeFacts {
  departmentName?: { zh: string; en: string };
}

export interface RenderedNotice {
  title: string;
  body: string;
}

export type Language = 'zh' | 'en';

export const SMS_PREFIX = '【一件事一次办】';
/** Longest reason quoted in an SMS (a text message is short; the full reason is in the 消息中心). */
const SMS_REASON_CHARS = 30;

// The same patterns server/redact.ts masks in logs: a department's free text may quote a number.
const ID_NUMBER = /(?<![0-9A-Za-z])[1-8]\d{16}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Free text (a reason) with identity numbers and mobiles masked and internal ids removed. */
export function maskNoticeText(text: string): string {
  return text.replace(ID_NUMBER, maskIdNumber).replace(MOBILE, maskMobile).replace(UUID, '…');
}

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…`;
}

const TITLES: Record<NoticeEvent, { zh: string; en: string }> = {
  submitted: { zh: '申请已提交', en: 'Application submitted' },
  accepted: { zh: '部门已受理', en: 'Accepted by a department' },
  refused: { zh: '部门不予受理', en: 'Refused by a department' },
  supplement: { zh: '需要补正材料', en: 'A supplement is needed' },
  'licence-needed': { zh: '证照调取需要您处理', en: 'A licence needs you' },
  completed: { zh: '事项已办结', en: 'An item is completed' },
  'results-ready': { zh: '办理结果已出', en: 'Your results are ready' },
};

export function noticeTitle(event: NoticeEvent, lang: Language): string {
  return TITLES[event][lang];
}

function dept(f: RenderInput, lang: Language): string {
  if (f.departmentName) return f.departmentName[lang];
  return lang === 'zh' ? '办理部门' : 'The department';
}

function numberPart(f: RenderInput, lang: Language): string {
  if (!f.number) return '';
  return lang === 'zh' ? `（办件编号 ${f.number}）` : ` (No. ${f.number})`;
}

function asked(f: RenderInput, lang: Language): string {
  const materials = (f.materials ?? []).map((m) => (lang === 'zh' ? `「${m}」` : `"${m}"`));
  const fields = f.fields ?? 0;
  if (lang === 'zh') {
    const info = fields ? `${fields} 项信息` : '';
    if (materials.length && info) return `${materials.join('、')}及 ${info}`;
    return materials.join('、') || info || '相关内容';
  }
  const parts = [materials.join(', '), fields ? `${fields} item${fields === 1 ? '' : 's'} of information` : ''].filter(Boolean);
  return parts.length ? parts.join(' and ') : 'some details';
}

/** The 消息中心 text, in the reader's language; times in Beijing time. */
export function renderInbox(f: RenderInput, lang: Language): RenderedNotice {
  const item = f.itemTitle ?? '';
  const reason = f.reason ? maskNoticeText(f.reason) : '';
  const when = beijingTime(f.at);
  const zh = lang === 'zh';
  let body: string;
  switch (f.event) {
    case 'submitted':
      body = zh
        ? `您的「${f.bundleTitle}」${numberPart(f, lang)}已于 ${beijingTime(f.submittedAt ?? f.at)}（北京时间）提交，各部门将依次办理。`
        : `Your "${f.bundleTitle}"${numberPart(f, lang)} was submitted on ${beijingTime(f.submittedAt ?? f.at)} (Beijing time); the departments will now handle it.`;
      break;
    case 'accepted':
      body = zh
        ? `${dept(f, lang)}已于 ${when} 受理您「${f.bundleTitle}」${numberPart(f, lang)}中的「${item}」。`
        : `${dept(f, lang)} accepted "${item}" of your "${f.bundleTitle}"${numberPart(f, lang)} on ${when} (Beijing time).`;
      break;
    case 'refused':
      body = zh
        ? `${dept(f, lang)}对您「${f.bundleTitle}」${numberPart(f, lang)}中的「${item}」不予受理。理由：${reason || '未说明'}。`
        : `${dept(f, lang)} refused "${item}" of your "${f.bundleTitle}"${numberPart(f, lang)}. Reason: ${reason || 'not given'}.`;
      break;
    case 'supplement': {
      const due = f.dueBy ? (zh ? `，请于 ${dueText(f.dueBy)} 前补正` : `, by ${dueText(f.dueBy)} (Beijing time)`) : '';
      body = zh
        ? `${dept(f, lang)}请您为「${f.bundleTitle}」${numberPart(f, lang)}中的「${item}」补正：${asked(f, lang)}${due}。${reason ? `说明：${reason}。` : ''}请登录办事平台，在申请详情中补正。`
        : `${dept(f, lang)} asks you to supplement "${item}" of your "${f.bundleTitle}"${numberPart(f, lang)}: ${asked(f, lang)}${due}.${reason ? ` Note: ${reason}.` : ''} Sign in and answer it on the application's page.`;
      break;
    }
    case 'licence-needed':
      body = zh
        ? `${dept(f, lang)}办理您「${f.bundleTitle}」${numberPart(f, lang)}中的「${item}」时，有证照无法自动调取，需要您处理。${reason ? `说明：${reason}。` : ''}请登录办事平台查看。`
        : `${dept(f, lang)} could not fetch a licence for "${item}" of your "${f.bundleTitle}"${numberPart(f, lang)} by itself and needs you.${reason ? ` Note: ${reason}.` : ''} Sign in to see what to do.`;
      break;
    case 'completed':
      body = zh
        ? `${dept(f, lang)}已于 ${when} 办结您「${f.bundleTitle}」${numberPart(f, lang)}中的「${item}」。`
        : `${dept(f, lang)} completed "${item}" of your "${f.bundleTitle}"${numberPart(f, lang)} on ${when} (Beijing time).`;
      break;
    case 'results-ready':
      body = zh
        ? `您的「${f.bundleTitle}」${numberPart(f, lang)}已全部办结（${when}），请登录办事平台查看办理结果。`
        : `Every item of your "${f.bundleTitle}"${numberPart(f, lang)} is finished (${when}, Beijing time); sign in to see the results.`;
      break;
  }
  return { title: noticeTitle(f.event, lang), body };
}

/** The SMS text: short, Chinese by default, titles and Beijing time only. */
export function renderSms(f: RenderInput, lang: Language = 'zh'): string {
  const zh = lang === 'zh';
  const item = f.itemTitle ?? '';
  const no = f.number ? (zh ? `（${f.number}）` : ` (${f.number})`) : '';
  const reason = f.reason ? clip(maskNoticeText(f.reason), SMS_REASON_CHARS) : '';
  let text: string;
  switch (f.event) {
    case 'submitted':
      text = zh ? `您的「${f.bundleTitle}」${no}已于${beijingTime(f.submittedAt ?? f.at)}提交。` : `Your "${f.bundleTitle}"${no} was submitted ${beijingTime(f.submittedAt ?? f.at)}.`;
      break;
    case 'accepted':
      text = zh ? `${dept(f, lang)}已受理「${item}」${no}。` : `${dept(f, lang)} accepted "${item}"${no}.`;
      break;
    case 'refused':
      text = zh ? `${dept(f, lang)}对「${item}」${no}不予受理：${reason || '详见消息中心'}。` : `${dept(f, lang)} refused "${item}"${no}: ${reason || 'see your messages'}.`;
      break;
    case 'supplement': {
      const due = f.dueBy ? (zh ? `，请于${dueText(f.dueBy)}前补正` : ` by ${dueText(f.dueBy)}`) : '';
      text = zh ? `「${item}」${no}需补正${due}，请登录办事平台查看。` : `"${item}"${no} needs a supplement${due}; please sign in.`;
      break;
    }
    case 'licence-needed':
      text = zh ? `「${item}」${no}有证照需要您处理，请登录办事平台查看。` : `"${item}"${no}: a licence needs you; please sign in.`;
      break;
    case 'completed':
      text = zh ? `${dept(f, lang)}已办结「${item}」${no}。` : `${dept(f, lang)} completed "${item}"${no}.`;
      break;
    case 'results-ready':
      text = zh ? `您的「${f.bundleTitle}」${no}已全部办结，请登录查看结果。` : `Your "${f.bundleTitle}"${no} is finished; sign in for the results.`;
      break;
  }
  return zh ? `${SMS_PREFIX}${text}` : `[One Visit] ${text}`;
}
