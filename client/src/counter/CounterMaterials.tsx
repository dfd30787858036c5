import { useEffect, useState } from 'react';
import { Alert, Card, List, Space, Typography } from 'antd';
import { postForm, ApiError, api } from '../api';
import { useI18n } from '../i18n';
import { MaterialsStep } from '../portal/MaterialsStep';
import type { ServerEvaluation } from '../portal/types';

type StepProps = Parameters<typeof MaterialsStep>[0];

interface Scanned {
  pages: number;
  fileName: string;
}

/**
 * The counter's materials step: paper the applicant brought is scanned here (the page images of
 * one material become one PDF on the server), then the portal's own list shows every material
 * and what happens to it; it is drawn afresh after each scan.
 */
export function CounterMaterials(props: StepProps) {
  const [round, setRound] = useState(0);
  return (
    <div>
      <ScanPanel applicationId={props.app.id} flush={props.flush} onScanned={() => setRound((r) => r + 1)} />
      <MaterialsStep key={round} {...props} />
    </div>
  );
}

function ScanPanel({ applicationId, flush, onScanned }: { applicationId: string; flush(): Promise<boolean>; onScanned(): void }) {
  const { t, lang } = useI18n();
  const [materials, setMaterials] = useState<ServerEvaluation['materials'] | null>(null);
  const [scanned, setScanned] = useState<Record<string, Scanned>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void flush()
      .then(() => api<ServerEvaluation>('GET', `/api/applications/${applicationId}/evaluation`))
      .then(
        (ev) => live && setMaterials(ev.materials.filter((m) => m.disposition === 'upload')),
        (e: unknown) => live && setProblem(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e)),
      );
    return () => {
      live = false;
    };
  }, [applicationId, flush, lang]);

  const scan = async (code: string, files: FileList | null) => {
    if (!files || files.length === 0) return;
    setBusy(code);
    setProblem(null);
    const form = new FormData();
    // In the order chosen: the scanner names pages in sequence.
    for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN', { numeric: true }))) form.append('pages', f, f.name);
    try {
      const r = await postForm<Scanned & { code: string }>(`/api/counter/applications/${applicationId}/scans/${encodeURIComponent(code)}`, form);
      setScanned((s) => ({ ...s, [code]: { pages: r.pages, fileName: r.fileName } }));
      onScanned();
    } catch (e) {
      setProblem(e instanceof ApiError ? `${lang === 'en' ? e.messageEn : e.message}${e.details[0] ? `：${lang === 'en' ? (e.details[0].messageEn ?? e.details[0].message) : e.details[0].message}` : ''}` : String(e));
    } finally {
      setBusy(null);
    }
  };

  if (!materials || materials.length === 0) return problem ? <Alert type="error" showIcon title={problem} /> : null;
  return (
    <Card size="small" title={t('扫描纸质材料', 'Scan paper documents')} style={{ marginBottom: 16 }} data-testid="scan-panel">
      <Typography.Paragraph type="secondary">
        {t('每份材料可选多张页面图片（JPEG/PNG），按文件名顺序合成一个 PDF；也可直接选一个 PDF 文件。', 'Choose several page images (JPEG/PNG) per document: they become one PDF in file-name order; or choose one PDF.')}
      </Typography.Paragraph>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <List
        size="small"
        dataSource={materials}
        renderItem={(m) => {
          const done = scanned[m.code];
          const inputId = `scan-input-${m.code}`;
          return (
            <List.Item key={m.code}>
              <Space wrap>
                <label htmlFor={inputId}>
                  <Typography.Text strong>{lang === 'en' ? m.titleEn : m.title}</Typography.Text>
                </label>
                <input id={inputId} type="file" multiple accept="image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf" disabled={busy !== null} data-testid={`scan-${m.code}`} onChange={(e) => void scan(m.code, e.target.files)} />
                {busy === m.code && <Typography.Text type="secondary">{t('正在合成…', 'Combining…')}</Typography.Text>}
                {done && (
                  <Typography.Text type="success" data-testid={`scanned-${m.code}`}>
                    {t(`已扫描 ${done.pages} 页，合成为「${done.fileName}」`, `${done.pages} page(s) scanned into "${done.fileName}"`)}
                  </Typography.Text>
                )}
              </Space>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
