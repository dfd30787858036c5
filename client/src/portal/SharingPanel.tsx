import { Card, Typography } from 'antd';
import { useI18n } from '../i18n';
import { Pill } from './labels';
import type { FormResponse } from './types';

type Sharing = NonNullable<FormResponse['sharing']>;

const STATE: Record<Sharing['licences'][number]['state'], { zh: string; en: string; tone: 'good' | 'warn' | 'neutral' }> = {
  fetch: { zh: '电子证照库获取，免提交', en: 'Fetched from the licence library: not handed in', tone: 'good' },
  missing: { zh: '证照库中未查到，需上传', en: 'Not in the licence library: upload it', tone: 'warn' },
  expired: { zh: '证照已过期，需上传', en: 'Expired in the licence library: upload a valid one', tone: 'warn' },
  unknown: { zh: '证照库暂时无法查询，提交时获取', en: 'Library not answering: fetched when you submit', tone: 'neutral' },
};

/**
 * What data sharing does for this applicant, shown before anything is filled: which licences are
 * fetched (免提交) and which must be uploaded (missing, expired), and which answers the exchange
 * fills, read-only, with the department they come from.
 */
export function SharingPanel({ sharing, departmentName }: { sharing: Sharing; departmentName(code: string): string }) {
  const { t } = useI18n();
  const filled = sharing.data.filter((d) => d.filled);
  if (sharing.licences.length === 0 && filled.length === 0) return null;
  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="sharing-panel" title={<Typography.Title level={3} style={{ margin: 0, fontSize: 15 }}>{t('数据共享', 'Data sharing')}</Typography.Title>}>
      {sharing.licences.length > 0 && (
        <ul className="plain-list">
          {sharing.licences.map((l) => (
            <li key={l.code} data-testid={`licence-${l.code}`} data-state={l.state}>
              {l.title} <Pill tone={STATE[l.state].tone}>{t(STATE[l.state].zh, STATE[l.state].en)}</Pill>
            </li>
          ))}
        </ul>
      )}
      {filled.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="sharing-data">
          {[...new Set(filled.map((d) => d.department))]
            .map((dep) => t(`${departmentName(dep)}共享数据已自动填写（只读）：${filled.filter((d) => d.department === dep).length} 项`, `${departmentName(dep)} records filled in (read-only): ${filled.filter((d) => d.department === dep).length}`))
            .join(t('；', '; '))}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
