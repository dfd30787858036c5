import { useRef, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Row, Space, Spin, Statistic, Typography } from 'antd';
import type { ComposedForm } from '../../../shared/compose.js';
import type { Evaluation } from '../../../shared/evaluate.js';
import { api, ApiError, type ErrorDetail } from '../api';
import { useI18n } from '../i18n';
import { checkSection, elementsById, type Answers } from './answers';
import { forgetModels, type EngineModel } from './model';
import { Pill, days, displayValue } from './labels';
import { DISPOSITION_LABELS } from '../../../shared/dispositions.js';
import type { ApplicationDetail } from './types';
import { useServerEvaluation } from './useServerEvaluation';
import { MATERIALS_STEP } from './steps';
import { CommitmentCard } from './CommitmentCard';
import { beijingTime } from '../../../shared/beijing-time.js';

interface Props {
  app: ApplicationDetail;
  model: EngineModel;
  form: ComposedForm;
  full: ComposedForm;
  answers: Answers;
  evaluation: Evaluation;
  flush(): Promise<boolean>;
  onEdit(step: string): void;
  onBack(): void;
  onSubmitted(): void;
}

function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID exists only in secure contexts; a plain-HTTP intranet deployment still gets 122 random bits.
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * One Idempotency-Key per application, kept across reloads: if the answer to a submission is
 * lost, submitting again returns the first filing instead of filing twice.
 */
export function submitKey(applicationId: string): string {
  const name = `yjs.submit.${applicationId}`;
  try {
    const kept = localStorage.getItem(name);
    if (kept) return kept;
    const key = randomKey();
    localStorage.setItem(name, key);
    return key;
  } catch {
    return `app-${applicationId}`;
  }
}

export function ReviewStep({ app, model, form, full, answers, evaluation, flush, onEdit, onBack, onSubmitted }: Props) {
  const { t, lang } = useI18n();
  const { server, error: loadError } = useServerEvaluation(app.id, flush);
  const [submitting, setSubmitting] = useState(false);
  const [refusal, setRefusal] = useState<{ message: string; details: ErrorDetail[] } | null>(null);
  const once = useRef(false);
  // 告知承诺: signed for the text in force, or nothing to sign (CommitmentCard says which).
  const [commitmentReady, setCommitmentReady] = useState(false);
  // 授权: once per application, kept with its time on the server; the box shows it once given.
  const [authorisedAt, setAuthorisedAt] = useState<string | null>(app.sharingAuthorisedAt ?? null);
  const [authorising, setAuthorising] = useState(false);

  if (loadError) return <Alert type="error" showIcon title={loadError} />;
  if (!server) return <Spin style={{ display: 'block', margin: 32 }} aria-label={t('正在汇总', 'Preparing the summary')} />;

  const byElement = elementsById(form);
  const sectionOf = (element: string) => byElement.get(element)?.section;
  const problems = form.sections.flatMap((s) => [...checkSection(form, full, s.id, answers, evaluation)].map(([element, e]) => ({ section: s, element, e })));
  const missingUploads = server.materials.filter((m) => m.disposition === 'upload' && !m.uploaded);
  const shared = server.materials.filter((m) => m.disposition === 'sharing');
  const needsAuthorisation = shared.length > 0 && !authorisedAt;
  const ready = problems.length === 0 && missingUploads.length === 0 && server.eligible && commitmentReady && !needsAuthorisation;

  const authorise = async () => {
    setAuthorising(true);
    try {
      const r = await api<{ authorisedAt: string }>('POST', `/api/applications/${app.id}/authorisation`);
      setAuthorisedAt(r.authorisedAt);
    } catch (e) {
      setRefusal(e instanceof ApiError ? { message: lang === 'en' ? e.messageEn : e.message, details: e.details } : { message: String(e), details: [] });
    } finally {
      setAuthorising(false);
    }
  };

  const submit = async () => {
    if (once.current) return;
    once.current = true;
    setSubmitting(true);
    setRefusal(null);
    try {
      await flush();
      await api('POST', `/api/applications/${app.id}/submit`, undefined, { 'Idempotency-Key': submitKey(app.id) });
      // The archive (一人一档) changed: later forms must see it.
      forgetModels();
      onSubmitted();
    } catch (e) {
      once.current = false;
      setSubmitting(false);
      if (e instanceof ApiError && e.status === 409) {
        onSubmitted();
        return;
      }
      setRefusal(e instanceof ApiError ? { message: lang === 'en' ? e.messageEn : e.message, details: e.details } : { message: String(e), details: [] });
    }
  };

  const s = server.savings;
  const dept = (code: string) => {
    const d = model.catalogue.departments.get(code);
    return d ? (lang === 'en' ? d.nameEn : d.name) : code;
  };
  const included = server.items.filter((i) => i.included);
  const itemTitle = (id: string) => {
    const i = server.items.find((x) => x.id === id);
    return i ? (lang === 'en' ? i.titleEn : i.title) : id;
  };

  return (
    <div data-testid="review-step">
      {!server.eligible && <Alert type="error" showIcon title={server.ineligible.map((r) => (lang === 'en' ? r.reasonEn : r.reason)).join('；')} style={{ marginBottom: 16 }} />}
      {(problems.length > 0 || missingUploads.length > 0 || needsAuthorisation) && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('提交前还需完成以下内容', 'Before submitting, complete the following')}
          description={
            <ul className="plain-list">
              {problems.map((p) => (
                <li key={p.element}>
                  <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onEdit(p.section.id)}>
                    {lang === 'en' ? p.section.titleEn : p.section.title} · {(lang === 'en' ? byElement.get(p.element)?.titleEn : byElement.get(p.element)?.title) ?? p.element}{t('：', ': ')}{lang === 'en' ? p.e.messageEn : p.e.message}
                  </Button>
                </li>
              ))}
              {missingUploads.map((m) => (
                <li key={m.code}>
                  <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onEdit(MATERIALS_STEP)}>
                    {t(`请上传「${m.title}」`, `Upload "${m.titleEn}"`)}
                  </Button>
                </li>
              ))}
              {needsAuthorisation && <li>{t('请在页面下方勾选数据共享授权', 'Tick the data-sharing authorisation below')}</li>}
            </ul>
          }
        />
      )}

      <Typography.Title level={3} style={{ fontSize: 18 }}>
        {t('为您节省', 'What you are spared')}
      </Typography.Title>
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="savings">
        {[
          { key: 'materials', title: t('提交材料（份）', 'Documents'), before: s.materials.separately, after: s.materials.handedIn },
          { key: 'fields', title: t('填写信息（项）', 'Fields to fill'), before: s.fields.separately, after: s.fields.asked },
          { key: 'visits', title: t('跑动次数（次）', 'Visits'), before: s.visits.separately, after: s.visits.bundled },
          { key: 'days', title: t('办理时限（天）', 'Time limit (days)'), before: s.days.separately, after: s.days.promised?.value ?? s.days.criticalPath },
        ].map((x) => (
          <Col key={x.key} xs={12} md={6}>
            <Card size="small" data-testid={`saving-${x.key}`}>
              <Statistic title={x.title} value={`${days(x.before)} → ${days(x.after)}`} styles={{ content: { fontSize: 20 } }} />
            </Card>
          </Col>
        ))}
      </Row>

      <Typography.Title level={3} style={{ fontSize: 18 }}>
        {t('填写内容', 'Your answers')}
      </Typography.Title>
      {form.sections.map((sec) => (
        <Card
          key={sec.id}
          size="small"
          style={{ marginBottom: 12 }}
          title={<Typography.Title level={4} style={{ margin: 0, fontSize: 15 }}>{lang === 'en' ? sec.titleEn : sec.title}</Typography.Title>}
          extra={
            <Button type="link" size="small" onClick={() => onEdit(sec.id)} aria-label={t(`修改${sec.title}`, `Edit ${sec.titleEn}`)}>
              {t('修改', 'Edit')}
            </Button>
          }
          data-testid={`review-${sec.id}`}
        >
          <Descriptions
            size="small"
            column={1}
            items={form.elements
              .filter((e) => e.section === sec.id && e.inForm)
              .map((e) => ({
                key: e.key,
                label: lang === 'en' ? e.titleEn : e.title,
                children: displayValue(e.schema, evaluation.values[e.element] ?? answers[e.element], lang) + (e.prefill ? t('（自动填写）', ' (prefilled)') : ''),
              }))}
          />
        </Card>
      ))}

      <Typography.Title level={3} style={{ fontSize: 18 }}>
        {t('各部门将收到', 'What each department receives')}
      </Typography.Title>
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        {included.map((item) => {
          const fields = form.elements.filter((e) => e.items.includes(item.id));
          const materials = server.materials.filter((m) => m.items.includes(item.id));
          return (
            <Col key={item.id} xs={24} md={12}>
              <Card size="small" title={<Typography.Title level={4} style={{ margin: 0, fontSize: 15 }}>{dept(item.department)}</Typography.Title>} data-testid={`receives-${item.id}`}>
                <Typography.Paragraph strong style={{ marginBottom: 4 }}>
                  {lang === 'en' ? item.titleEn : item.title}
                </Typography.Paragraph>
                <Typography.Paragraph style={{ marginBottom: 4 }}>
                  {t('信息：', 'Data: ')}
                  {fields
                    .map((e) => (lang === 'en' ? e.titleEn : e.title) + (e.suppliedBy ? t(`（由「${itemTitle(e.suppliedBy)}」办结后提供）`, ` (from "${itemTitle(e.suppliedBy)}")`) : ''))
                    .join(lang === 'en' ? ', ' : '、')}
                </Typography.Paragraph>
                <div>
                  {t('材料：', 'Documents: ')}
                  <ul className="plain-list">
                    {materials.map((m) => (
                      <li key={m.code}>
                        {lang === 'en' ? m.titleEn : m.title} <Pill tone={DISPOSITION_LABELS[m.disposition].tone}>{t(...DISPOSITION_LABELS[m.disposition].applicant)}</Pill>
                      </li>
                    ))}
                  </ul>
                </div>
              </Card>
            </Col>
          );
        })}
      </Row>

      <CommitmentCard applicationId={app.id} refreshKey={server} onReady={setCommitmentReady} />

      {refusal && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          title={refusal.message}
          description={
            refusal.details.length > 0 && (
              <ul className="plain-list">
                {refusal.details.map((d, i) => {
                  const section = sectionOf(d.path);
                  const target = d.path.startsWith('materials.') ? MATERIALS_STEP : section;
                  const label = byElement.get(d.path);
                  const text = `${label ? (lang === 'en' ? label.titleEn : label.title) : d.path}${lang === 'en' ? `: ${d.messageEn ?? d.message}` : `：${d.message}`}`;
                  return <li key={i}>{target ? <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onEdit(target)}>{text}</Button> : text}</li>;
                })}
              </ul>
            )
          }
        />
      )}
      {shared.length > 0 && (
        <Card size="small" style={{ marginBottom: 16 }} data-testid="authorisation">
          <Checkbox checked={!!authorisedAt} disabled={!!authorisedAt || authorising} onChange={(e) => e.target.checked && void authorise()} data-testid="authorise">
            {t(
              `本人授权本平台为办理本件事，通过数据共享向有关部门获取以下电子证照，代替提交纸质材料：${shared.map((m) => m.title).join('、')}`,
              `I authorise the platform to fetch these electronic licences from the departments that hold them, for this application, instead of handing them in: ${shared.map((m) => m.titleEn).join(', ')}`,
            )}
          </Checkbox>
          {authorisedAt && (
            <div className="sf-help" data-testid="authorised-at">
              {t(`已于 ${beijingTime(authorisedAt)} 授权`, `Authorised on ${beijingTime(authorisedAt)} (Beijing time)`)}
            </div>
          )}
        </Card>
      )}
      <Space wrap>
        <Button onClick={onBack} disabled={submitting}>
          {t('上一步', 'Back')}
        </Button>
        <Button type="primary" size="large" onClick={() => void submit()} disabled={!ready || submitting} loading={submitting} data-testid="submit">
          {t('确认提交', 'Submit')}
        </Button>
      </Space>
      {!ready && (
        <div className="sf-help" style={{ marginTop: 8 }}>
          {t('完成以上提示的内容后即可提交', 'Complete the items above to submit')}
        </div>
      )}
    </div>
  );
}
