import { memo } from 'react';
import { Alert, Card, Typography } from 'antd';
import type { Evaluation } from '../../../shared/evaluate.js';
import type { EngineModel } from './model';
import { useI18n } from '../i18n';
import { Pill } from './labels';

/**
 * What the rules make of the answers so far, recomputed on every answer by the same evaluate()
 * the server runs: which items are in and why, what is out and why, notices, and whether a trip
 * to a counter is still needed.
 */
function RulesPanelView({ evaluation, model }: { evaluation: Evaluation; model: EngineModel }) {
  const { t, lang } = useI18n();
  const reason = (r: { reason: string; reasonEn: string }) => (lang === 'en' ? r.reasonEn : r.reason);
  const dept = (code: string) => {
    const d = model.catalogue.departments.get(code);
    return d ? (lang === 'en' ? d.shortNameEn : d.shortName) : code;
  };
  const included = evaluation.items.filter((i) => i.included);
  const optionalOut = evaluation.items.filter((i) => !i.included);
  return (
    <Card size="small" title={<Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>{t('本次办理的事项', 'Services in this application')}</Typography.Title>} data-testid="rules-panel">
      {evaluation.ineligible.map((r, i) => (
        <Alert key={`x${i}`} type="error" showIcon title={reason(r)} style={{ marginBottom: 8 }} />
      ))}
      <ul className="rule-list" aria-label={t('已纳入的事项', 'Included services')}>
        {included.map((i) => (
          <li key={i.id} data-testid={`item-in-${i.id}`}>
            <div>
              <Pill tone="good">{t('办理', 'In')}</Pill> <strong>{lang === 'en' ? i.titleEn : i.title}</strong> <span className="muted">· {dept(i.department)}</span>
            </div>
            {i.optional && <div className="rule-reason">{reason(i)}</div>}
          </li>
        ))}
      </ul>
      {optionalOut.length > 0 && (
        <ul className="rule-list" aria-label={t('可选、暂未纳入的事项', 'Optional services not included')}>
          {optionalOut.map((i) => (
            <li key={i.id} data-testid={`item-out-${i.id}`}>
              <div>
                <Pill>{t('未选', 'Not chosen')}</Pill> {lang === 'en' ? i.titleEn : i.title} <span className="muted">· {dept(i.department)}</span>
              </div>
              <div className="rule-reason">{reason(i)}</div>
            </li>
          ))}
        </ul>
      )}
      {evaluation.notices.map((r, i) => (
        <Alert key={`n${i}`} type="info" showIcon title={reason(r)} style={{ marginTop: 8 }} />
      ))}
      {evaluation.visits.length > 0 ? (
        <Alert type="warning" showIcon style={{ marginTop: 8 }} title={t('需到窗口一次', 'One visit to a counter is needed')} description={evaluation.visits.map(reason).join(t('；', '; '))} />
      ) : (
        <p className="rule-reason" style={{ marginTop: 8 }}>
          {t('全程网办，无需到窗口', 'Entirely online: no visit to a counter')}
        </p>
      )}
    </Card>
  );
}

/** What the panel shows of an evaluation: a new evaluation per keystroke mostly says the same. */
const shown = (e: Evaluation): string => JSON.stringify([e.items.map((i) => [i.id, i.included, i.reason]), e.notices, e.visits, e.ineligible]);

export const RulesPanel = memo(RulesPanelView, (a, b) => a.model === b.model && shown(a.evaluation) === shown(b.evaluation));
