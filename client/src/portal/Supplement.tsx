import { useMemo, useState } from 'react';
import { Alert, Button, Card, Space, Typography } from 'antd';
import { compose } from '../../../shared/compose.js';
import { elementKey, type JsonSchema } from '../../../shared/model.js';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { SchemaForm } from '../components/form/SchemaForm';
import { validateObject } from '../components/form/rjsf-validator';
import type { EngineModel } from './model';
import { Uploader } from './Uploader';
import type { ApplicationDetail, ApplicationItem } from './types';

interface Props {
  app: ApplicationDetail;
  item: ApplicationItem;
  model: EngineModel;
  onDone(detail: ApplicationDetail): void;
}

/**
 * 补正: exactly what the department asked for, and nothing else: its fields (each with the
 * value given before, to correct) and its materials, in one go (一次性告知).
 */
export function Supplement({ app, item, model, onDone }: Props) {
  const { t, lang } = useI18n();
  const request = item.supplement!;
  const { schema, keys } = useMemo(() => {
    const full = compose(model.bundle, model.catalogue, { lang });
    const properties: Record<string, JsonSchema> = {};
    const keys = new Map<string, string>();
    for (const f of request.fields) {
      const el = full.elements.find((e) => e.element === f.element);
      const base = el?.schema ?? model.catalogue.elements.get(f.element)?.schema ?? { type: 'string' };
      const key = elementKey(f.element);
      properties[key] = { ...base, title: el ? (lang === 'en' ? el.titleEn : el.title) : f.title };
      keys.set(key, f.element);
    }
    return { schema: { type: 'object', properties, required: [...keys.keys()] } as JsonSchema, keys };
  }, [model, request, lang]);

  const [data, setData] = useState<Record<string, unknown>>(() => Object.fromEntries([...keys].map(([key, element]) => [key, app.answers[element]]).filter(([, v]) => v !== undefined)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [uploaded, setUploaded] = useState<ReadonlyMap<string, { fileName: string; size: number }>>(new Map());
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const idPrefix = `s${item.id.slice(0, 8)}`;

  const send = async () => {
    const problems = validateObject(schema, data);
    setErrors(Object.fromEntries([...problems].map(([k, e]) => [k, lang === 'en' ? e.messageEn : e.message])));
    const left = request.materials.filter((m) => !uploaded.has(m.code));
    if (problems.size > 0 || left.length > 0) {
      setProblem(
        [problems.size > 0 ? t(`有 ${problems.size} 项需要填写或修改`, `${problems.size} field(s) need attention`) : '', left.length > 0 ? t(`请上传：${left.map((m) => m.title).join('、')}`, `Upload: ${left.map((m) => m.title).join(', ')}`) : '']
          .filter(Boolean)
          .join('；'),
      );
      return;
    }
    setSending(true);
    setProblem(null);
    try {
      const answers = Object.fromEntries([...keys].map(([key, element]) => [element, data[key]]));
      onDone(await api<ApplicationDetail>('POST', `/api/applications/${app.id}/supplements/${item.id}`, { answers }));
    } catch (e) {
      setSending(false);
      if (e instanceof ApiError) {
        setProblem(lang === 'en' ? e.messageEn : e.message);
        const byKey: Record<string, string> = {};
        for (const d of e.details) {
          const key = [...keys].find(([, el]) => el === d.path)?.[0];
          if (key) byKey[key] = lang === 'en' ? (d.messageEn ?? d.message) : d.message;
        }
        setErrors(byKey);
      } else setProblem(String(e));
    }
  };

  return (
    <Card size="small" className="supplement" data-testid={`supplement-${item.itemId}`} title={<Typography.Title level={4} style={{ margin: 0, fontSize: 15 }}>{t('需补正的内容', 'What the department asks for')}</Typography.Title>}>
      {request.dueDate && (
        // Not an alert: it is there from the start, and the page's alerts are for what went wrong.
        <Typography.Paragraph strong data-testid={`supplement-due-${item.itemId}`}>
          {t(`请于 ${request.dueDate} 前补正（北京时间当日 24 时前）`, `Please answer by ${request.dueDate} (end of that day, Beijing time)`)}
        </Typography.Paragraph>
      )}
      {request.reason && (
        <Typography.Paragraph>
          {t('部门说明', 'Note from the department')}：{request.reason}
        </Typography.Paragraph>
      )}
      {request.fields.length > 0 && (
        <SchemaForm
          idPrefix={idPrefix}
          schema={schema}
          formData={data}
          errors={errors}
          onChange={setData}
          onBlur={(key, value) => {
            const e = validateObject({ ...schema, required: [] }, { [key]: value }).get(key);
            setErrors((prev) => {
              const next = { ...prev };
              if (e) next[key] = lang === 'en' ? e.messageEn : e.message;
              else delete next[key];
              return next;
            });
          }}
        />
      )}
      {request.materials.map((m) => (
        <div key={m.code} style={{ marginBottom: 12 }}>
          <Typography.Text strong>{m.title}</Typography.Text>
          <Uploader applicationId={app.id} code={m.code} title={m.title} uploaded={uploaded.get(m.code)} onUploaded={(f) => setUploaded((s) => new Map([...s, [m.code, f]]))} />
        </div>
      ))}
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Space>
        <Button type="primary" onClick={() => void send()} loading={sending} disabled={sending} data-testid={`send-supplement-${item.itemId}`}>
          {t('提交补正', 'Send')}
        </Button>
      </Space>
    </Card>
  );
}
