// Words and small pieces the portal pages share: statuses, dispositions, values shown read-only.
import { useEffect, type ReactNode } from 'react';
import type { JsonSchema } from '../../../shared/model.js';
import { SUB_STATUS_LABELS, type SubStatus } from '../../../shared/lifecycle.js';
import { useI18n } from '../i18n';
import type { ApplicationStatus } from './types';
import { beijingTime } from '../../../shared/beijing-time.js';

type Pair = readonly [string, string];

export const APPLICATION_STATUS: Record<ApplicationStatus, Pair> = {
  draft: ['草稿', 'Draft'],
  submitted: ['已提交', 'Submitted'],
  in_progress: ['办理中', 'In progress'],
  supplement: ['需补正', 'Supplement requested'],
  completed: ['已办结', 'Completed'],
  rejected: ['不予受理', 'Rejected'],
  partially_completed: ['部分办结', 'Partly completed'],
};

export function subStatusLabel(status: string, lang: 'zh' | 'en'): string {
  const l = SUB_STATUS_LABELS[status as SubStatus];
  return l ? l[lang] : status;
}

export type Tone = 'good' | 'info' | 'warn' | 'bad' | 'neutral';

/** A tag with a text contrast of at least 4.5:1 (antd's coloured tags fall short for small text). */
export function Pill({ tone = 'neutral', children, testId }: { tone?: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`pill pill-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function statusTone(status: ApplicationStatus | SubStatus): Tone {
  switch (status) {
    case 'completed':
      return 'good';
    case 'supplement':
    case 'partially_completed':
      return 'warn';
    case 'rejected':
      return 'bad';
    case 'draft':
      return 'neutral';
    default:
      return 'info';
  }
}

export function StatusPill({ status }: { status: ApplicationStatus }) {
  const { t } = useI18n();
  return (
    <Pill tone={statusTone(status)} testId="application-status">
      {t(...APPLICATION_STATUS[status])}
    </Pill>
  );
}

/** A value as the applicant reads it: the label of a choice, 是/否, a list joined. */
export function displayValue(schema: JsonSchema | undefined, value: unknown, lang: 'zh' | 'en'): string {
  if (value === undefined || value === null || value === '') return lang === 'en' ? '(not given)' : '（未填写）';
  if (typeof value === 'boolean') return value ? (lang === 'en' ? 'Yes' : '是') : lang === 'en' ? 'No' : '否';
  if (Array.isArray(value)) return value.map((v) => displayValue(schema?.items as JsonSchema | undefined, v, lang)).join(lang === 'en' ? ', ' : '、');
  const options = schema?.oneOf as { const: unknown; title?: string; titleEn?: string }[] | undefined;
  const hit = options?.find((o) => o.const === value);
  if (hit) return (lang === 'en' ? hit.titleEn : undefined) ?? hit.title ?? String(value);
  return String(value);
}

/** Beijing time in the one format every page uses; `lang` is kept for callers, the format is the same. */
export function formatTime(iso: string | null | undefined, _lang?: 'zh' | 'en'): string {
  return iso ? beijingTime(iso) : '';
}

/** Days as the engine counts them (time limits may be fractional): no trailing zeros. */
export function days(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, '');
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    const before = document.title;
    document.title = title;
    return () => {
      document.title = before;
    };
  }, [title]);
}
