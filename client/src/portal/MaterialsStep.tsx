import { useState } from 'react';
import { Alert, Button, Card, Space, Spin, Typography } from 'antd';
import type { Evaluation } from '../../../shared/evaluate.js';
import { useI18n } from '../i18n';
import { Pill } from './labels';
import { DISPOSITION_LABELS } from '../../../shared/dispositions.js';
import { Uploader } from './Uploader';
import type { ApplicationDetail } from './types';
import { useServerEvaluation } from './useServerEvaluation';

interface Props {
  app: ApplicationDetail;
  /** The live evaluation, for the materials a rule dropped (the server's list leaves them out). */
  evaluation: Evaluation;
  flush(): Promise<boolean>;
  onNext(): void;
  onBack(): void;
}

/**
 * Every material of this application with what happens to it. The list is the server's
 * (after the draft is saved): it knows what was uploaded already, and it is the one that counts.
 */
export function MaterialsStep({ app, evaluation, flush, onNext, onBack }: Props) {
  const { t, lang } = useI18n();
  const { server, setServer, error } = useServerEvaluation(app.id, flush);
  const [missing, setMissing] = useState<string | null>(null);

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!server) return <Spin style={{ display: 'block', margin: 32 }} aria-label={t('正在计算所需材料', 'Working out the documents')} />;

  const itemTitle = (id: string) => {
    const i = server.items.find((x) => x.id === id);
    return i ? (lang === 'en' ? i.titleEn : i.title) : id;
  };
  const toUpload = server.materials.filter((m) => m.disposition === 'upload');
  const involved = server.savings.materials.separately;

  const next = () => {
    const left = toUpload.filter((m) => !m.uploaded);
    if (left.length > 0) {
      setMissing(t(`还有 ${left.length} 份材料需要上传：${left.map((m) => m.title).join('、')}`, `${left.length} document(s) still to upload: ${left.map((m) => m.titleEn).join(', ')}`));
      document.querySelector<HTMLButtonElement>(`[data-testid="upload-${CSS.escape(left[0]!.code)}"] button`)?.focus();
      return;
    }
    onNext();
  };

  const uploaded = (code: string, file: { fileName: string; size: number }) => {
    setMissing(null);
    setServer((s) => s && { ...s, materials: s.materials.map((m) => (m.code === code ? { ...m, uploaded: { ...file, sha256: '', mime: '', uploadedAt: new Date().toISOString() } } : m)) });
  };
  // What asks something of the applicant first: uploads, then reuse, then what the government does.
  const order: Record<string, number> = { upload: 0, reuse: 1, commitment: 2, sharing: 3, bundle: 4, generated: 5 };
  const listed = [...server.materials].sort((a, b) => (order[a.disposition] ?? 9) - (order[b.disposition] ?? 9));

  return (
    <div data-testid="materials-step">
      <Alert
        type="success"
        showIcon
        style={{ marginBottom: 16 }}
        title={<span data-testid="materials-counter">{t(`本次涉及 ${involved} 份材料，您只需提交 ${toUpload.length} 份`, `${involved} documents are involved; you hand in only ${toUpload.length}`)}</span>}
        description={t(
          `各部门分别办理需提交 ${involved} 份；合并后共 ${server.materials.length} 种，其中 ${server.materials.length - toUpload.length} 种免提交或可复用。`,
          `Visiting each department would take ${involved} documents; combined there are ${server.materials.length} kinds, ${server.materials.length - toUpload.length} of them not needed from you or reused.`,
        )}
      />
      {missing && <Alert type="error" showIcon role="alert" title={missing} style={{ marginBottom: 16 }} />}
      <ul className="material-list">
        {listed.map((m) => {
          const d = DISPOSITION_LABELS[m.disposition];
          return (
            <li key={m.code} data-testid={`material-${m.code}`} data-disposition={m.disposition}>
              <Card size="small">
                <Space wrap size={[8, 4]} style={{ marginBottom: 4 }}>
                  <Typography.Text strong>{lang === 'en' ? m.titleEn : m.title}</Typography.Text>
                  <Pill tone={d.tone}>{t(...d.applicant)}</Pill>
                </Space>
                <div className="rule-reason">{lang === 'en' ? m.reasonEn : m.reason}</div>
                <div className="muted">
                  {/* A bundle-level material (the guide lists it for the whole 一件事) serves no single item. */}
                  {m.items.length === 0 ? t('用于：本件事', 'For: this matter as a whole') : <>{t('用于', 'For')}：{m.items.map(itemTitle).join(lang === 'en' ? ', ' : '、')}</>}
                  {m.items.length > 1 && m.disposition === 'upload' ? t('（上传一次，各部门共用）', ' (one upload serves all)') : ''}
                </div>
                {m.disposition === 'upload' && (
                  <div style={{ marginTop: 8 }}>
                    <Uploader applicationId={app.id} code={m.code} title={lang === 'en' ? m.titleEn : m.title} uploaded={m.uploaded} onUploaded={(f) => uploaded(m.code, f)} />
                  </div>
                )}
              </Card>
            </li>
          );
        })}
      </ul>
      {evaluation.notRequired.length > 0 && (
        <Card size="small" title={t('本次无需提交', 'Not needed this time')} style={{ marginTop: 16 }}>
          <ul className="plain-list">
            {evaluation.notRequired.map((n) => (
              <li key={n.code}>
                <Typography.Text>{lang === 'en' ? n.titleEn : n.title}</Typography.Text> — <span className="rule-reason">{lang === 'en' ? n.reasonEn : n.reason}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Space style={{ marginTop: 16 }} wrap>
        <Button onClick={onBack}>{t('上一步', 'Back')}</Button>
        <Button type="primary" onClick={next} data-testid="next">
          {t('下一步', 'Next')}
        </Button>
      </Space>
    </div>
  );
}
