import { useState } from 'react';
import { Alert, Checkbox, Form, Input, Modal, Typography } from 'antd';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { formatHint, formatMessage, formatProblem } from '../../../shared/formats.js';
import { patternRefuses } from '../../../shared/pattern.js';
import type { Produce, SubDetail } from './types';
import { DocumentPicker, documentsProblem, encodeDocuments, type ChosenDocument } from './ResultDocuments';

/** An action's failure: field errors by path (from a 422), or one message for the dialog. */
function explain(e: unknown, t: (zh: string, en: string) => string): { fields: Record<string, string>; message: string | null } {
  if (e instanceof ApiError) {
    const fields: Record<string, string> = {};
    for (const d of e.details) fields[d.path] = t(d.message, d.messageEn ?? d.message);
    return { fields, message: e.status === 422 && e.details.length ? null : t(e.message, e.messageEn) };
  }
  return { fields: {}, message: String(e) };
}

/** data-* attributes pass through antd's button props, which do not declare them. */
const testId = (id: string): Record<string, string> => ({ 'data-testid': id });

/** Rendered only while open, so every opening starts from empty fields. */
interface DialogProps {
  busy: boolean;
  onCancel(): void;
}

/** 不予受理: a reason is required, and the applicant will read it. */
export function RejectDialog({ busy, onCancel, onSubmit }: DialogProps & { onSubmit(reason: string): Promise<void> }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    if (!reason.trim()) {
      setError(t('不予受理须说明理由', 'A rejection needs a reason'));
      return;
    }
    onSubmit(reason.trim()).catch((e: unknown) => {
      const x = explain(e, t);
      setError(x.fields.reason ?? x.message);
    });
  };
  return (
    <Modal open title={t('不予受理', 'Reject')} okText={t('不予受理', 'Reject')} okButtonProps={{ danger: true, loading: busy, ...testId('reject-ok') }} cancelText={t('取消', 'Cancel')} onOk={submit} onCancel={onCancel} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label={t('理由（申请人可见）', 'Reason (shown to the applicant)')} required validateStatus={error ? 'error' : undefined} help={error}>
          <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} data-testid="reject-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 补正: tick every missing material and field at once (一次性告知), with one notice. */
export function SupplementDialog({ busy, sub, onCancel, onSubmit }: DialogProps & { sub: SubDetail; onSubmit(missing: { materials: string[]; fields: string[] }, notice: string): Promise<void> }) {
  const { t, lang } = useI18n();
  const [materials, setMaterials] = useState<string[]>([]);
  const [fields, setFields] = useState<string[]>([]);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    if (!materials.length && !fields.length) {
      setError(t('请勾选所有需补正的材料和字段', 'Tick every missing material and field'));
      return;
    }
    onSubmit({ materials, fields }, notice.trim()).catch((e: unknown) => {
      const x = explain(e, t);
      setError(x.message ?? Object.values(x.fields).join(t('；', '; ')));
    });
  };
  return (
    <Modal open title={t('一次性告知补正', 'Request a supplement (everything at once)')} okText={t('发送补正通知', 'Send the request')} okButtonProps={{ loading: busy, ...testId('supplement-ok') }} cancelText={t('取消', 'Cancel')} onOk={submit} onCancel={onCancel} width={640} destroyOnHidden>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('请一次勾选全部需补正的内容：申请人只会收到这一份通知，也只需补这些内容。', 'Tick everything missing now: the applicant gets this one request and answers only it.')} />
      {error && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={error} />}
      <Typography.Title level={5}>{t('材料', 'Materials')}</Typography.Title>
      <Checkbox.Group
        style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
        value={materials}
        onChange={(v) => setMaterials(v as string[])}
        options={sub.materials.map((m) => ({ value: m.code, label: <span data-testid={`missing-material-${m.code}`}>{lang === 'en' ? (sub.materialsEn[m.code] ?? m.title) : m.title}</span> }))}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('字段', 'Fields')}
      </Typography.Title>
      <Checkbox.Group
        style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
        value={fields}
        onChange={(v) => setFields(v as string[])}
        options={Object.keys(sub.fieldLabels).map((name) => ({
          value: name,
          label: (
            <span data-testid={`missing-field-${name}`}>
              {lang === 'en' ? (sub.fieldLabelsEn[name] ?? name) : sub.fieldLabels[name]}
            </span>
          ),
        }))}
      />
      <Form layout="vertical" style={{ marginTop: 16 }}>
        <Form.Item label={t('补正说明（申请人可见）', 'Note to the applicant')}>
          <Input.TextArea rows={2} value={notice} onChange={(e) => setNotice(e.target.value)} maxLength={500} data-testid="supplement-notice" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The first problem of a value against an output's declared schema, checked as the server will. */
function checkOutput(p: Produce, value: string, t: (zh: string, en: string) => string, lang: 'zh' | 'en'): string | null {
  if (!value.trim()) return t(`办结须填写「${p.title}」`, `required to complete: ${p.key}`);
  const s = p.schema;
  if (typeof s.minLength === 'number' && value.length < s.minLength) return t(`至少 ${s.minLength} 个字符`, `at least ${s.minLength} characters`);
  if (typeof s.maxLength === 'number' && value.length > s.maxLength) return t(`不能超过 ${s.maxLength} 个字符`, `at most ${s.maxLength} characters`);
  if (typeof s.pattern === 'string' && patternRefuses(s.pattern, value)) return t('格式不正确', 'invalid format');
  if (typeof s.format === 'string' && formatProblem(s.format, value)) return formatMessage(s.format, value, lang);
  return null;
}

/** What 办结 sends besides the outputs: the attached documents, base64. */
export type CompleteDocuments = Awaited<ReturnType<typeof encodeDocuments>>;

/** 办结: every output the item declares (a certificate number, the child's ID number…), validated; result documents attached. */
export function CompleteDialog({ busy, sub, onCancel, onSubmit }: DialogProps & { sub: SubDetail; onSubmit(outputs: Record<string, string>, documents: CompleteDocuments): Promise<void> }) {
  const { t, lang } = useI18n();
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [documents, setDocuments] = useState<ChosenDocument[]>([]);
  const [docErrors, setDocErrors] = useState<Record<string, string>>({});
  const submit = () => {
    const found: Record<string, string> = {};
    for (const p of sub.produces) {
      const problem = checkOutput(p, values[p.key] ?? '', t, lang);
      if (problem) found[p.key] = problem;
    }
    const docFound: Record<string, string> = {};
    documents.forEach((d, i) => {
      if (!d.title.trim()) docFound[`documents[${i}].title`] = t('须填写文书名称', 'Give the document a title');
    });
    const tooMany = documentsProblem(documents, t);
    if (tooMany) docFound.documents = tooMany;
    setErrors(found);
    setDocErrors(docFound);
    if (Object.keys(found).length || Object.keys(docFound).length) return;
    const outputs = Object.fromEntries(sub.produces.map((p) => [p.key, (values[p.key] ?? '').trim()]));
    encodeDocuments(documents).then((encoded) => onSubmit(outputs, encoded)).catch((e: unknown) => {
      const x = explain(e, t);
      setErrors(Object.fromEntries(Object.entries(x.fields).filter(([path]) => !path.startsWith('documents')).map(([path, m]) => [path.replace(/^outputs\./, ''), m])));
      setDocErrors(Object.fromEntries(Object.entries(x.fields).filter(([path]) => path.startsWith('documents'))));
      setError(x.message);
    });
  };
  return (
    <Modal open title={t('办结', 'Complete')} okText={t('办结', 'Complete')} okButtonProps={{ loading: busy, ...testId('complete-ok') }} cancelText={t('取消', 'Cancel')} onOk={submit} onCancel={onCancel} destroyOnHidden>
      {sub.produces.length === 0 && <Typography.Paragraph>{t('本事项没有需要登记的办理结果。', 'This item declares no outputs.')}</Typography.Paragraph>}
      {error && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={error} />}
      <Form layout="vertical">
        {sub.produces.map((p) => (
          <Form.Item key={p.key} label={lang === 'en' ? (sub.producesEn[p.key] ?? p.title) : p.title} required validateStatus={errors[p.key] ? 'error' : undefined} help={errors[p.key]} extra={formatHint(typeof p.schema.format === 'string' ? p.schema.format : undefined, lang) ?? undefined}>
            <Input value={values[p.key] ?? ''} onChange={(e) => setValues((v) => ({ ...v, [p.key]: e.target.value }))} data-testid={`output-input-${p.key}`} />
          </Form.Item>
        ))}
        <Form.Item label={t('办结文书', 'Result documents')}>
          <DocumentPicker chosen={documents} errors={docErrors} onChange={setDocuments} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
