// How a material's disposition reads: to the applicant (the portal, and the studio's preview of
// the portal) and at a department's counter, where the material has already been handed in.
import type { Disposition } from './evaluate.js';

type Pair = readonly [zh: string, en: string];

export interface DispositionLabel {
  applicant: Pair;
  staff: Pair;
  /** The portal's pill tone (contrast-checked colours). */
  tone: 'good' | 'info' | 'warn';
  /** The antd tag colour of the workbench and the studio. */
  color: string;
}

export const DISPOSITION_LABELS: Readonly<Record<Disposition, DispositionLabel>> = {
  upload: { applicant: ['需上传', 'Upload'], staff: ['申请人上传', 'Uploaded'], tone: 'warn', color: 'blue' },
  reuse: { applicant: ['可复用', 'Reused'], staff: ['档案复用', 'Reused from archive'], tone: 'info', color: 'cyan' },
  sharing: { applicant: ['免提交 · 数据共享', 'Not needed · data sharing'], staff: ['数据共享获取', 'Data sharing'], tone: 'good', color: 'green' },
  bundle: { applicant: ['免提交 · 内部流转', 'Not needed · passed on'], staff: ['前序事项流转', 'From an earlier item'], tone: 'good', color: 'purple' },
  commitment: { applicant: ['免提交 · 告知承诺', 'Not needed · commitment'], staff: ['告知承诺', 'Signed commitment'], tone: 'good', color: 'gold' },
  generated: { applicant: ['免提交 · 系统生成', 'Not needed · generated'], staff: ['系统生成', 'Generated'], tone: 'good', color: 'default' },
};

/** The label of a disposition read from an API response (a string); undefined for an unknown one. */
export function dispositionLabel(disposition: string): DispositionLabel | undefined {
  return Object.hasOwn(DISPOSITION_LABELS, disposition) ? DISPOSITION_LABELS[disposition as Disposition] : undefined;
}
