import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Col, Grid, Progress, Result, Row, Space, Spin, Steps, Typography } from 'antd';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { evaluate, type Evaluation } from '../../../shared/evaluate.js';
import { chinaToday } from '../../../shared/beijing-time.js';
import { checkFields } from '../../../shared/field-rules.js';
import { compose, type ComposedForm } from '../../../shared/compose.js';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { SchemaForm, type SchemaFormContext } from '../components/form/SchemaForm';
import { prefillBadges } from '../components/form/prefill-badges';
import type { FieldError } from '../components/form/validate';
import { composeLive, useModel, type EngineModel } from './model';
import { useAutosave, type Autosave } from './autosave';
import { checkElement, checkSection, savable, type Answers } from './answers';
import { RulesPanel } from './RulesPanel';
import { SharingPanel } from './SharingPanel';
import { MaterialsStep } from './MaterialsStep';
import { ReviewStep } from './ReviewStep';
import { useDocumentTitle } from './labels';
import type { ApplicationDetail } from './types';
import { focusField, MATERIALS_STEP, REVIEW_STEP } from './steps';
import { applicationDetail } from './prefetch';


/** /applications/:id/edit: loads the draft and its bundle version, then the wizard. */
export default function Apply() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { t, lang } = useI18n();
  const [app, setApp] = useState<ApplicationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    applicationDetail(id).then(
      (a) => {
        if (!live) return;
        // A filed application is followed, not edited.
        if (a.status !== 'draft') navigate(`/applications/${a.id}`, { replace: true });
        else setApp(a);
      },
      (e: unknown) => live && setError(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e)),
    );
    return () => {
      live = false;
    };
  }, [id, navigate, lang]);

  const { model, error: modelError } = useModel(app?.bundleId, app?.version, app?.region);
  if (error || modelError) {
    return <Result status="warning" title={error ?? modelError?.message} extra={<Link to="/applications">{t('返回我的办件', 'Back to my applications')}</Link>} />;
  }
  if (!app || !model) return <Spin style={{ display: 'block', margin: 48 }} aria-label={t('正在加载', 'Loading')} />;
  return <Wizard key={app.id} app={app} model={model} />;
}

interface Step {
  key: string;
  title: string;
}

const clock = (d: Date): string => d.toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit' });

function SaveState({ autosave }: { autosave: Autosave }) {
  const { t } = useI18n();
  const text = {
    saved: autosave.savedAt ? t(`草稿已自动保存 ${clock(autosave.savedAt)}`, `Draft saved at ${clock(autosave.savedAt)}`) : t('草稿保存在服务器上，可随时继续', 'The draft is kept on the server: continue any time'),
    pending: t('有改动，稍后自动保存…', 'Changes will be saved shortly…'),
    saving: t('正在保存…', 'Saving…'),
    failed: autosave.refused.length ? t('有填写内容未通过校验，未保存', 'Some values were refused and not saved') : t('保存失败，将自动重试', 'Saving failed; retrying'),
  }[autosave.state];
  return (
    <Typography.Text className={autosave.state === 'failed' ? 'save-failed' : 'muted'} role="status" data-testid="save-state" data-state={autosave.state}>
      {text}
    </Typography.Text>
  );
}

/** Where the applicant is among the steps: a bar on a phone, the list of steps otherwise. */
const StepsNav = memo(function StepsNav({ steps, index, compact }: { steps: Step[]; index: number; compact: boolean }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('填写步骤', 'Steps')} style={{ marginBottom: 16 }}>
      {compact ? (
        <div>
          <Typography.Text strong>{t(`第 ${index + 1} 步，共 ${steps.length} 步`, `Step ${index + 1} of ${steps.length}`)}</Typography.Text>
          <Progress percent={Math.round(((index + 1) / steps.length) * 100)} showInfo={false} size="small" aria-hidden="true" />
        </div>
      ) : (
        <Steps size="small" current={index} items={steps.map((s) => ({ title: s.title }))} />
      )}
    </nav>
  );
});

/**
 * Where the wizard runs besides the citizen's portal (the counter, client/src/counter/): its way
 * back, its own materials step (scanning paper), and where a filed application goes.
 */
export interface WizardHost {
  back: { to: string; zh: string; en: string };
  materials?(step: Parameters<typeof MaterialsStep>[0]): ReactNode;
  onSubmitted(id: string): void;
}

export function Wizard({ app, model, host }: { app: ApplicationDetail; model: EngineModel; host?: WizardHost }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const [answers, setAnswers] = useState<Answers>(() => ({ ...app.answers }));
  const [errors, setErrors] = useState<Record<string, FieldError>>({});
  const [stepProblem, setStepProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const evaluation: Evaluation = useMemo(() => evaluate(model.bundle, model.catalogue, answers, model.profile), [model, answers]);
  const form: ComposedForm = useMemo(() => composeLive(model, evaluation, lang), [model, evaluation, lang]);
  // Every item, optional ones too: what the server checks a draft's values against.
  const full = useMemo(() => compose(model.bundle, model.catalogue, { lang }), [model, lang]);
  const payload = useMemo(() => savable(answers, full, evaluation), [answers, full, evaluation]);

  const steps: Step[] = useMemo(
    () => [
      ...form.sections.map((s) => ({ key: s.id, title: lang === 'en' ? s.titleEn : s.title })),
      { key: MATERIALS_STEP, title: t('材料', 'Documents') },
      { key: REVIEW_STEP, title: t('确认提交', 'Review and submit') },
    ],
    [form, lang, t],
  );
  // The step in the address, else the one the draft was left at (kept on the server, so another device resumes there too).
  const requested = params.get('step') ?? app.step;
  const index = Math.max(0, steps.findIndex((s) => s.key === requested));
  const step = steps[index] as Step;
  const autosave = useAutosave(app.id, payload, step.key, app.step ?? (steps[0] as Step).key);
  const section = form.sections.find((s) => s.id === step.key);
  useDocumentTitle(`${step.title} · ${t(model.bundle.title, model.bundle.titleEn)}`);

  const go = useCallback(
    (key: string) => {
      setStepProblem(null);
      setParams({ step: key });
    },
    [setParams],
  );

  // A new step is announced by moving focus to its heading (keyboard and screen reader users
  // would otherwise stay on a button that is no longer there).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
    window.scrollTo({ top: 0 });
  }, [step.key]);

  // Field errors: the browser's checks, and any value the server refused when saving.
  const refused = useMemo(() => {
    const out: Record<string, FieldError> = {};
    for (const d of autosave.refused) out[d.path] = { message: d.message, messageEn: d.messageEn ?? d.message };
    return out;
  }, [autosave.refused]);

  const sectionView = useMemo(() => {
    if (!section) return null;
    const props = ((form.schema.properties ?? {}) as Record<string, Record<string, unknown>>)[section.id] ?? {};
    const ui = (form.uiSchema[section.id] ?? {}) as Record<string, unknown>;
    const els = form.elements.filter((e) => e.section === section.id && e.inForm);
    return { schema: props, ui, els, context: { badges: prefillBadges(els, t) } satisfies SchemaFormContext };
  }, [form, section, t]);

  const formData = useMemo(() => {
    if (!section || !sectionView) return {};
    const data: Record<string, unknown> = { ...(form.formData[section.id] ?? {}) };
    for (const e of sectionView.els) if (answers[e.element] !== undefined && !Object.hasOwn(evaluation.prefilled, e.element)) data[e.key] = answers[e.element];
    return data;
  }, [form, section, sectionView, answers, evaluation]);

  const shownErrors = useMemo(() => {
    if (!sectionView) return {};
    const out: Record<string, string> = {};
    for (const e of sectionView.els) {
      const err = errors[e.element] ?? refused[e.element];
      if (err) out[e.key] = lang === 'en' ? err.messageEn : err.message;
    }
    return out;
  }, [sectionView, errors, refused, lang]);

  // The bundle's cross-field checks on one value (a birth date not in the future), with the rest
  // of the answers as they stand: the same function the server runs on save and submit.
  const crossCheck = useCallback(
    (element: string, value: unknown): FieldError | null => {
      const p = checkFields(model.bundle, { ...evaluation.values, [element]: value }, chinaToday()).find((x) => x.element === element);
      return p ? { message: p.message, messageEn: p.messageEn } : null;
    },
    [model, evaluation],
  );

  const onChange = useCallback(
    (data: Record<string, unknown>) => {
      if (!sectionView) return;
      setAnswers((prev) => {
        let next: Answers | null = null;
        for (const e of sectionView.els) {
          if (e.prefill) continue;
          const v = data[e.key];
          const old = prev[e.element];
          if (v === old || (v === undefined && !Object.hasOwn(prev, e.element))) continue;
          if (JSON.stringify(v) === JSON.stringify(old)) continue;
          next ??= { ...prev };
          if (v === undefined) delete next[e.element];
          else next[e.element] = v;
        }
        return next ?? prev;
      });
      // A field showing an error is re-checked as it is corrected; others wait for blur.
      setErrors((prev) => {
        let next: Record<string, FieldError> | null = null;
        for (const e of sectionView.els) {
          if (!prev[e.element]) continue;
          const now = checkElement(e, full, data[e.key], false) ?? crossCheck(e.element, data[e.key]);
          if (now?.message === prev[e.element]?.message) continue;
          next ??= { ...prev };
          if (now) next[e.element] = now;
          else delete next[e.element];
        }
        return next ?? prev;
      });
    },
    [sectionView, full, crossCheck],
  );

  const onBlur = useCallback(
    (key: string, value: unknown) => {
      const el = sectionView?.els.find((e) => e.key === key);
      if (!el || el.prefill) return;
      const problem = checkElement(el, full, value, false) ?? crossCheck(el.element, value);
      setErrors((prev) => {
        if (problem?.message === prev[el.element]?.message) return prev;
        const next = { ...prev };
        if (problem) next[el.element] = problem;
        else delete next[el.element];
        return next;
      });
    },
    [sectionView, full, crossCheck],
  );

  const next = () => {
    if (section) {
      const problems = checkSection(form, full, section.id, answers, evaluation);
      if (problems.size > 0) {
        setErrors((prev) => ({ ...prev, ...Object.fromEntries(problems) }));
        setStepProblem(t(`本页有 ${problems.size} 处需要修改`, `${problems.size} field(s) on this page need attention`));
        const first = form.elements.find((e) => e.section === section.id && problems.has(e.element));
        if (first) focusField(`f_${first.key}`);
        return;
      }
    }
    const following = steps[index + 1];
    if (following) go(following.key);
  };

  const back = () => {
    const previous = steps[index - 1];
    if (previous) go(previous.key);
  };

  // Items coming and going as rules fire, said aloud once per change.
  const [announcement, setAnnouncement] = useState('');
  const included = evaluation.included.join(',');
  const previousIncluded = useRef(included);
  useEffect(() => {
    const before = new Set(previousIncluded.current.split(',').filter(Boolean));
    previousIncluded.current = included;
    const now = evaluation.items.filter((i) => i.included);
    const added = now.filter((i) => !before.has(i.id));
    const removed = evaluation.items.filter((i) => !i.included && before.has(i.id));
    if (added.length === 0 && removed.length === 0) return;
    const parts = [
      ...added.map((i) => (lang === 'en' ? `Added: ${i.titleEn} (${i.reasonEn})` : `已纳入：${i.title}（${i.reason}）`)),
      ...removed.map((i) => (lang === 'en' ? `Removed: ${i.titleEn}` : `已移除：${i.title}`)),
    ];
    const timer = setTimeout(() => setAnnouncement(parts.join(lang === 'en' ? '; ' : '；')), 0);
    return () => clearTimeout(timer);
  }, [included, evaluation, lang]);

  const title = lang === 'en' ? model.bundle.titleEn : model.bundle.title;
  // The list of steps needs a wide screen: below lg its titles would be squeezed into a few letters a line.
  const compact = !screens.lg;
  return (
    <div className="portal wizard">
      <Typography.Title level={2} style={{ fontSize: 22, marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }} size={[16, 4]}>
        <SaveState autosave={autosave} />
        {/* A bundle with regional versions: which implementation (lead, limits, local services) applies. */}
        {app.region && model.bundle.region && (
          <Typography.Text type="secondary" data-testid="region">
            {t(`办理地区：${model.bundle.region.name}`, `Region: ${model.bundle.region.nameEn}`)}
          </Typography.Text>
        )}
        <Link to={host?.back.to ?? '/applications'}>{host ? t(host.back.zh, host.back.en) : t('我的办件', 'My applications')}</Link>
      </Space>
      <div className="visually-hidden" aria-live="polite" data-testid="rules-announcement">
        {announcement}
      </div>
      <StepsNav steps={steps} index={index} compact={compact} />
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={16}>
          <section aria-labelledby="step-heading">
            <h2 id="step-heading" ref={heading} tabIndex={-1} className="step-heading" data-testid="step-heading" data-step={step.key}>
              {step.title}
            </h2>
            {stepProblem && <Alert type="error" showIcon title={stepProblem} style={{ marginBottom: 16 }} role="alert" />}
            {section && sectionView && (
              <SchemaForm key={section.id} idPrefix="f" schema={sectionView.schema} uiSchema={sectionView.ui} formData={formData} errors={shownErrors} context={sectionView.context} onChange={onChange} onBlur={onBlur} />
            )}
            {step.key === MATERIALS_STEP &&
              (host?.materials ? host.materials({ app, evaluation, flush: autosave.flush, onNext: () => go(REVIEW_STEP), onBack: back }) : <MaterialsStep app={app} evaluation={evaluation} flush={autosave.flush} onNext={() => go(REVIEW_STEP)} onBack={back} />)}
            {step.key === REVIEW_STEP && (
              <ReviewStep
                app={app}
                model={model}
                form={form}
                full={full}
                answers={answers}
                evaluation={evaluation}
                flush={autosave.flush}
                onEdit={go}
                onBack={back}
                onSubmitted={() => (host ? host.onSubmitted(app.id) : navigate(`/applications/${app.id}`, { state: { submitted: true } }))}
              />
            )}
            {section && (
              <Space style={{ marginTop: 8 }} wrap>
                {index > 0 && <Button onClick={back}>{t('上一步', 'Back')}</Button>}
                <Button type="primary" onClick={next} data-testid="next">
                  {t('下一步', 'Next')}
                </Button>
              </Space>
            )}
          </section>
        </Col>
        <Col xs={24} lg={8}>
          <aside aria-label={t('规则与事项', 'Rules and services')}>
            {model.sharing && <SharingPanel sharing={model.sharing} departmentName={(code) => { const d = model.catalogue.departments.get(code); return d ? (lang === 'en' ? d.nameEn : d.name) : code; }} />}
            <RulesPanel evaluation={evaluation} model={model} />
          </aside>
        </Col>
      </Row>
    </div>
  );
}
