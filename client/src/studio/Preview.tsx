import { useCallback, useMemo, useState } from 'react';
import { Alert, Button, Card, Col, Empty, Radio, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useI18n } from '../i18n';
import { SchemaForm, type SchemaFormContext } from '../components/form/SchemaForm';
import { isEmpty, REQUIRED, validateValue, type FieldError } from '../components/form/validate';
import { prefillBadges } from '../components/form/prefill-badges';
import type { JsonSchema } from '../../../shared/model.js';
import { DISPOSITION_LABELS } from '../../../shared/dispositions.js';
import type { Preview as PreviewData, PreviewMaterial } from './types';

interface Props {
  preview: PreviewData | null;
  /** The draft has errors: the preview shown is the last one that linted. */
  stale: boolean;
  answers: Record<string, unknown>;
  onAnswers(answers: Record<string, unknown>): void;
}

/** The merged form as the citizen sees it (the portal's own form component), the rules' effect and the savings. */
export function Preview({ preview, stale, answers, onAnswers }: Props) {
  const { t } = useI18n();
  if (!preview) {
    return <Empty description={t('修正错误后显示预览', 'The preview appears once the files lint')} />;
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {stale && <Alert type="warning" showIcon title={t('文件有错误：预览为最近一次通过检查的版本', 'The files have errors: this is the last preview that linted')} />}
      <Tabs
        items={[
          { key: 'form', label: t('表单预览', 'Form'), children: <FormPreview preview={preview} answers={answers} onAnswers={onAnswers} /> },
          { key: 'rules', label: t('事项与材料', 'Items and materials'), children: <Rules preview={preview} /> },
          { key: 'savings', label: t('减负测算', 'Savings'), children: <Savings preview={preview} /> },
        ]}
      />
    </Space>
  );
}

function FormPreview({ preview, answers, onAnswers }: { preview: PreviewData; answers: Record<string, unknown>; onAnswers(a: Record<string, unknown>): void }) {
  const { t, lang } = useI18n();
  const { form, evaluation, examples, departments } = preview;
  const [section, setSection] = useState<string | undefined>(undefined);
  const [errors, setErrors] = useState<Record<string, FieldError>>({});
  const current = form.sections.find((s) => s.id === section) ?? form.sections[0];
  const props = current ? (((form.schema.properties ?? {}) as Record<string, JsonSchema>)[current.id] ?? null) : null;
  const els = useMemo(() => form.elements.filter((e) => e.section === current?.id && e.inForm), [form, current]);

  const formData = useMemo(() => {
    const data: Record<string, unknown> = {};
    for (const e of els) if (answers[e.element] !== undefined) data[e.key] = answers[e.element];
    return data;
  }, [els, answers]);

  const context = useMemo<SchemaFormContext>(() => ({ badges: prefillBadges(els, t) }), [els, t]);

  const onChange = useCallback(
    (data: Record<string, unknown>) => {
      let next: Record<string, unknown> | null = null;
      for (const e of els) {
        if (e.prefill) continue;
        const v = data[e.key];
        if (JSON.stringify(v) === JSON.stringify(answers[e.element])) continue;
        next ??= { ...answers };
        if (v === undefined) delete next[e.element];
        else next[e.element] = v;
      }
      if (next) onAnswers(next);
    },
    [els, answers, onAnswers],
  );

  const onBlur = useCallback(
    (key: string) => {
      const el = els.find((e) => e.key === key);
      if (!el || el.prefill || !props) return;
      const value = answers[el.element];
      const schema = ((props.properties ?? {}) as Record<string, JsonSchema>)[key];
      const problem = isEmpty(value) ? (el.required ? REQUIRED : null) : schema ? validateValue(schema, value) : null;
      setErrors((prev) => {
        const next = { ...prev };
        if (problem) next[key] = problem;
        else delete next[key];
        return next;
      });
    },
    [els, props, answers],
  );

  const shown = useMemo(() => Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, lang === 'en' ? e.messageEn : e.message])), [errors, lang]);
  const dept = (code: string) => (lang === 'en' ? (departments[code]?.shortNameEn ?? code) : (departments[code]?.shortName ?? code));

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          size="small"
          placeholder={t('载入示例作答', 'Load example answers')}
          aria-label={t('载入示例作答', 'Load example answers')}
          style={{ minWidth: 180 }}
          value={null}
          onChange={(name: string) => {
            setErrors({});
            onAnswers({ ...(examples[name]?.answers ?? {}) });
          }}
          options={Object.entries(examples).map(([name, ex]) => ({ value: name, label: ex.description ? `${name}${t('：', ': ')}${ex.description}` : name }))}
          data-testid="load-example"
        />
        <Button size="small" onClick={() => { setErrors({}); onAnswers({}); }}>
          {t('清空作答', 'Clear answers')}
        </Button>
      </Space>
      <div data-testid="included-items">
        <Typography.Text type="secondary">{t('将办理：', 'Services: ')}</Typography.Text>
        {evaluation.items.filter((i) => i.included).map((i) => (
          <Tag key={i.id} color="green" data-testid={`included-${i.id}`}>
            {lang === 'en' ? `${i.titleEn} (${dept(i.department)})` : `${i.title}（${dept(i.department)}）`}
          </Tag>
        ))}
      </div>
      {!evaluation.eligible && <Alert type="error" showIcon title={evaluation.ineligible.map((r) => (lang === 'en' ? r.reasonEn : r.reason)).join(t('；', '; '))} />}
      {evaluation.notices.map((n, i) => (
        <Alert key={i} type="info" showIcon title={lang === 'en' ? n.reasonEn : n.reason} />
      ))}
      {/* Buttons that wrap, not tabs: long English titles overflowed antd's tab bar into a menu that is no tab. */}
      <Radio.Group
        optionType="button"
        size="small"
        value={current?.id}
        onChange={(e) => setSection(e.target.value as string)}
        options={form.sections.map((s) => ({ value: s.id, label: lang === 'en' ? s.titleEn : s.title }))}
        aria-label={t('表单分节', 'Form sections')}
        style={{ display: 'flex', flexWrap: 'wrap', rowGap: 4 }}
      />
      {props && current ? (
        <div data-testid="preview-section">
          <SchemaForm idPrefix={`studio-${current.id}`} schema={props} uiSchema={(form.uiSchema[current.id] ?? {}) as Record<string, unknown>} formData={formData} errors={shown} context={context} onChange={onChange} onBlur={onBlur} />
        </div>
      ) : (
        <Empty />
      )}
    </Space>
  );
}

function Rules({ preview }: { preview: PreviewData }) {
  const { t, lang } = useI18n();
  const { evaluation } = preview;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={evaluation.items}
        columns={[
          { title: t('事项', 'Item'), key: 't', render: (_: unknown, i: (typeof evaluation.items)[number]) => (lang === 'en' ? i.titleEn : i.title) },
          { title: t('办理', 'Included'), key: 'in', render: (_: unknown, i: (typeof evaluation.items)[number]) => (i.included ? <Tag color="green">{t('办理', 'yes')}</Tag> : <Tag>{t('不办理', 'no')}</Tag>) },
          { title: t('原因', 'Why'), key: 'r', render: (_: unknown, i: (typeof evaluation.items)[number]) => (lang === 'en' ? i.reasonEn : i.reason) },
        ]}
      />
      <Table<PreviewMaterial>
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={evaluation.materials}
        columns={[
          { title: t('材料', 'Material'), key: 't', render: (_: unknown, m) => (lang === 'en' ? m.titleEn : m.title) },
          { title: t('方式', 'How'), key: 'd', render: (_: unknown, m) => <Tag color={DISPOSITION_LABELS[m.disposition].color}>{t(...DISPOSITION_LABELS[m.disposition].applicant)}</Tag> },
          { title: t('原因', 'Why'), key: 'r', render: (_: unknown, m) => (lang === 'en' ? m.reasonEn : m.reason) },
        ]}
      />
      {evaluation.notRequired.length > 0 && (
        <Typography.Paragraph type="secondary">
          {t('本情形不需要：', 'Not needed here: ')}
          {evaluation.notRequired.map((n) => (lang === 'en' ? `${n.titleEn} (${n.reasonEn})` : `${n.title}（${n.reason}）`)).join(t('；', '; '))}
        </Typography.Paragraph>
      )}
    </Space>
  );
}

function Savings({ preview }: { preview: PreviewData }) {
  const { t } = useI18n();
  const s = preview.savings;
  const o = preview.official;
  const waived = s.materials.waived.sharing + s.materials.waived.bundle + s.materials.waived.commitment + s.materials.waived.generated;
  const stat = (testId: string, title: string, before: number, after: number, unit: string) => (
    <Col xs={12}>
      <Card size="small" data-testid={testId}>
        <Statistic title={title} value={`${before} → ${after}`} suffix={unit} />
      </Card>
    </Col>
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Row gutter={[8, 8]}>
        {stat('savings-materials', t('材料（分别办理 → 一次办）', 'Materials (separately → bundled)'), s.materials.separately, s.materials.handedIn, t('份', ''))}
        {stat('savings-fields', t('填写字段', 'Fields to fill'), s.fields.separately, s.fields.asked, t('项', ''))}
        {stat('savings-visits', t('跑动次数', 'Visits'), s.visits.separately, s.visits.bundled, t('次', ''))}
        {stat('savings-days', t('办理时限（工作日）', 'Time limit (working days)'), s.days.separately, s.days.promised?.value ?? s.days.criticalPath, t('天', 'days'))}
      </Row>
      <Typography.Paragraph style={{ margin: 0 }}>
        {t(
          `免提交 ${waived} 份（数据共享 ${s.materials.waived.sharing}、内部流转 ${s.materials.waived.bundle}、告知承诺 ${s.materials.waived.commitment}、系统生成 ${s.materials.waived.generated}），一次提交多部门共用 ${s.materials.handedInOnceForSeveral} 份，共 ${s.items} 个事项。`,
          `${waived} waived (sharing ${s.materials.waived.sharing}, passed on ${s.materials.waived.bundle}, commitment ${s.materials.waived.commitment}, generated ${s.materials.waived.generated}); ${s.materials.handedInOnceForSeveral} handed in once for several departments; ${s.items} items.`,
        )}
      </Typography.Paragraph>
      {o && (o.days || o.visits || o.materials) && (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('官方公布：', 'Official figures: ')}
          {[
            o.materials ? t(`材料 ${o.materials.before} → ${o.materials.after}`, `materials ${o.materials.before} → ${o.materials.after}`) : null,
            o.visits ? t(`跑动 ${o.visits.before} → ${o.visits.after}`, `visits ${o.visits.before} → ${o.visits.after}`) : null,
            o.days ? t(`时限 ${o.days.before} → ${o.days.after} 天`, `days ${o.days.before} → ${o.days.after}`) : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Typography.Paragraph>
      )}
    </Space>
  );
}
