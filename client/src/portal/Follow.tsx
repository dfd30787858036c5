import { useCallback, useEffect, useState } from 'react';
import { Alert, Card, Col, Descriptions, Result, Row, Space, Spin, Steps, Timeline, Typography } from 'antd';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { useModel, type EngineModel } from './model';
import { Pill, StatusPill, days, formatTime, statusTone, subStatusLabel, useDocumentTitle } from './labels';
import { Supplement } from './Supplement';
import { RatingCard } from './RatingCard';
import { PromiseCountdown } from './PromiseCountdown';
import { ResultDocuments } from './ResultDocuments';
import { DocumentLinks } from './DocumentLinks';
import type { ApplicationDetail, ApplicationItem } from './types';

const POLL_MS = 2000;
const FINISHED = ['completed', 'rejected', 'partially_completed'];

/** Whether the department has accepted the item at some point: only then is 已受理 behind it. */
const wasAccepted = (item: ApplicationItem): boolean => item.history.some((h) => h.status === 'accepted');

/** A 补正 answered and sent back: the department has it again and has not decided yet. */
export const resubmitted = (item: ApplicationItem): boolean =>
  (item.status === 'queued' || item.status === 'delivered' || item.status === 'dead') && item.history.some((h) => h.note !== null && typeof h.note === 'object' && 'supplied' in (h.note as object));

/**
 * Where an item stands on 已提交 → 已受理 → 办理中 → 已办结. A 补正 asked before anyone accepted
 * stands at the second step (nothing was accepted), one asked while handling at the third.
 */
function stage(item: ApplicationItem): { current: number; status: 'process' | 'finish' | 'error' | 'wait' } {
  switch (item.status) {
    case 'accepted':
      return { current: 2, status: 'process' };
    case 'supplement':
      return { current: wasAccepted(item) ? 2 : 1, status: 'error' };
    case 'completed':
      return { current: 3, status: 'finish' };
    case 'rejected':
      return { current: 1, status: 'error' };
    default:
      return { current: 0, status: 'process' };
  }
}

function noteText(note: unknown, lang: 'zh' | 'en'): string | null {
  if (!note || typeof note !== 'object') return typeof note === 'string' ? note : null;
  const n = note as Record<string, unknown>;
  if (typeof n.reason === 'string' && n.reason) return n.reason;
  if (n.supplied && typeof n.supplied === 'object') return lang === 'en' ? 'Supplement sent' : '已提交补正内容';
  return null;
}

function ItemCard({ app, item, model, onChanged }: { app: ApplicationDetail; item: ApplicationItem; model: EngineModel | null; onChanged(d: ApplicationDetail): void }) {
  const { t, lang } = useI18n();
  const s = stage(item);
  const label = (key: string): string => {
    const el = model?.catalogue.elements.get(key);
    if (el) return lang === 'en' ? el.titleEn : el.title;
    const m = model?.catalogue.materials.get(key);
    if (m) return lang === 'en' ? m.titleEn : m.title;
    return key;
  };
  const outputs = Object.entries(item.outputs);
  const dept = model?.catalogue.departments.get(item.department);
  const itemModel = model?.catalogue.items.get(item.itemId);
  return (
    <Card
      size="small"
      data-testid={`item-${item.itemId}`}
      data-status={item.status}
      title={
        <Typography.Title level={3} style={{ margin: 0, fontSize: 16, whiteSpace: 'normal' }}>
          {lang === 'en' && dept ? dept.nameEn : item.departmentName}
        </Typography.Title>
      }
      extra={<Pill tone={statusTone(item.status)} testId={`item-status-${item.itemId}`}>{resubmitted(item) ? t('已补正，待部门审核', 'Supplemented, with the department') : subStatusLabel(item.status, lang)}</Pill>}
    >
      <Typography.Paragraph strong>{lang === 'en' && itemModel ? itemModel.titleEn : item.title}</Typography.Paragraph>
      <Steps
        size="small"
        current={s.current}
        status={s.status}
        responsive={false}
        className="item-stages"
        items={[
          { title: resubmitted(item) ? t('已补正', 'Supplemented') : t('已提交', 'Submitted') },
          { title: item.status === 'rejected' ? t('不予受理', 'Rejected') : item.status === 'supplement' && !wasAccepted(item) ? t('需补正', 'Supplement') : t('已受理', 'Accepted') },
          { title: item.status === 'supplement' && wasAccepted(item) ? t('需补正', 'Supplement') : t('办理中', 'In progress') },
          { title: t('已办结', 'Completed') },
        ]}
      />
      {item.status === 'waiting' && <Typography.Paragraph className="muted">{t('等待前序事项办结后自动推送', 'Sent automatically once the earlier services are done')}</Typography.Paragraph>}
      {item.status === 'rejected' && item.reason && <Alert type="error" showIcon title={`${t('不予受理原因：', 'Reason: ')}${item.reason}`} style={{ margin: '8px 0' }} />}
      {outputs.length > 0 && (
        <Descriptions
          size="small"
          column={1}
          title={<span className="desc-title">{t('办理结果', 'Results')}</span>}
          items={outputs.map(([k, v]) => ({ key: k, label: label(k), children: <span data-testid={`output-${k}`}>{typeof v === 'string' ? v : JSON.stringify(v)}</span> }))}
          style={{ marginTop: 8 }}
        />
      )}
      <ResultDocuments item={item} />
      {resubmitted(item) && <Alert type="success" showIcon data-testid={`supplement-sent-${item.itemId}`} title={t('补正内容已提交，部门将重新审核；审核结果会在这里显示。', 'Your supplement was sent; the department will look at it again and the outcome will show here.')} style={{ margin: '8px 0' }} />}
      {item.status === 'supplement' && item.supplement && model && <Supplement app={app} item={item} model={model} onDone={onChanged} />}
      {(item.status === 'completed' || item.status === 'rejected') && (
        <div style={{ marginTop: 8 }}>
          <RatingCard
            endpoint={`/api/applications/${app.id}/items/${item.id}/rating`}
            rating={item.rating}
            onRated={(rating) => onChanged({ ...app, items: app.items.map((x) => (x.id === item.id ? { ...x, rating } : x)) })}
            heading={t(`评价${lang === 'en' && dept ? dept.nameEn : item.departmentName}（一事一评）`, `Rate ${lang === 'en' && dept ? dept.nameEn : item.departmentName}`)}
            prefix={`rate-${item.itemId}-`}
          />
        </div>
      )}
      <details className="history">
        <summary>{t('办理记录', 'History')}</summary>
        <Timeline
          style={{ marginTop: 12 }}
          items={item.history.map((h, i) => {
            const note = noteText(h.note, lang);
            return { key: i, content: `${formatTime(h.at, lang)} · ${subStatusLabel(h.status, lang)}${note ? ` · ${note}` : ''}` };
          })}
        />
      </details>
    </Card>
  );
}

/** /applications/:id: each department's progress, its results, a supplement request, the rating. */
export default function Follow() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const justSubmitted = (location.state as { submitted?: boolean } | null)?.submitted === true;
  const [detail, setDetail] = useState<ApplicationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { model } = useModel(detail?.bundleId, detail?.version, detail?.region);
  useDocumentTitle(detail ? `${t(detail.title, detail.titleEn)} · ${t('办理进度', 'Progress')}` : t('办理进度', 'Progress'));

  const load = useCallback(
    () =>
      api<ApplicationDetail>('GET', `/api/applications/${id}`).then(
        (d) => {
          if (d.status === 'draft') navigate(`/applications/${d.id}/edit`, { replace: true });
          else setDetail(d);
        },
        (e: unknown) => setError(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e)),
      ),
    [id, navigate, lang],
  );

  const finished = detail ? FINISHED.includes(detail.status) : false;
  useEffect(() => {
    void load();
    if (finished) return;
    // Departments answer by themselves (webhooks, the workbench): keep the page current.
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load, finished]);

  if (error) return <Result status="warning" title={error} extra={<Link to="/applications">{t('返回我的办件', 'Back to my applications')}</Link>} />;
  if (!detail) return <Spin style={{ display: 'block', margin: 48 }} aria-label={t('正在加载', 'Loading')} />;

  const s = detail.savings;
  const done = detail.items.filter((i) => i.status === 'completed').length;
  return (
    <div className="portal">
      <Typography.Title level={2} style={{ fontSize: 22 }}>
        {t(detail.title, detail.titleEn)}
      </Typography.Title>
      {justSubmitted && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('提交成功！', 'Submitted!')}
          description={t('一次提交，已分送各部门并联办理；办理结果会自动流转到下一个部门。', 'One submission, sent to every department; results pass from one to the next by themselves.')}
        />
      )}
      <Space wrap size={[12, 4]} style={{ marginBottom: 16 }}>
        <StatusPill status={detail.status} />
        {detail.number && <Typography.Text data-testid="application-number">{t(`办件编号 ${detail.number}`, `No. ${detail.number}`)}</Typography.Text>}
        {detail.counter && <Typography.Text className="muted" data-testid="counter-window">{t(`受理窗口 ${detail.counter.window}`, `Filed at ${detail.counter.window}`)}</Typography.Text>}
        <Typography.Text className="muted">{t(`提交于 ${formatTime(detail.submittedAt, 'zh')}`, `Submitted ${formatTime(detail.submittedAt, 'en')}`)}</Typography.Text>
        <Typography.Text data-testid="progress-count">{t(`已办结 ${done}/${detail.items.length} 项`, `${done} of ${detail.items.length} done`)}</Typography.Text>
        <Link to="/applications">{t('我的办件', 'My applications')}</Link>
        {done > 0 && <Link to="/licences">{t('我的证照（办结签发的证照）', 'My licences (issued on completion)')}</Link>}
      </Space>
      <div style={{ marginBottom: 16 }}>
        <DocumentLinks id={detail.id} status={detail.status} supplement={detail.items.some((i) => i.status === 'supplement')} />
      </div>
      <div className="visually-hidden" aria-live="polite">
        {t(`已办结 ${done} 项，共 ${detail.items.length} 项`, `${done} of ${detail.items.length} done`)}
      </div>
      {detail.promise && detail.promisedBy && <PromiseCountdown promise={detail.promise} promisedBy={detail.promisedBy} finished={finished} />}
      {s && (
        <Typography.Paragraph data-testid="detail-savings">
          {t(
            `本次少跑 ${s.visits.separately - s.visits.bundled} 次，少交 ${s.materials.separately - s.materials.handedIn} 份材料，少填 ${s.fields.separately - s.fields.asked} 项，时限 ${days(s.days.separately)} 天 → ${days(s.days.promised?.value ?? s.days.criticalPath)} 天`,
            `${s.visits.separately - s.visits.bundled} fewer visits, ${s.materials.separately - s.materials.handedIn} fewer documents, ${s.fields.separately - s.fields.asked} fewer fields, ${days(s.days.separately)} → ${days(s.days.promised?.value ?? s.days.criticalPath)} days`,
          )}
        </Typography.Paragraph>
      )}
      {finished && (
        <div style={{ marginBottom: 16 }}>
          <RatingCard endpoint={`/api/applications/${detail.id}/rating`} rating={detail.rating} onRated={(rating) => setDetail({ ...detail, rating })} />
        </div>
      )}
      <Row gutter={[16, 16]}>
        {detail.items.map((item) => (
          <Col key={item.id} xs={24} lg={12}>
            <ItemCard app={detail} item={item} model={model} onChanged={setDetail} />
          </Col>
        ))}
      </Row>
    </div>
  );
}
