import { useRef, useState } from 'react';
import { Button, Input, Space, Table, Typography } from 'antd';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { saveFile } from '../components/save-file';
import { fetchMaterial } from './materials';
import { ACCEPT, formatBytes } from '../../../shared/uploads.js';
import { MAX_RESULT_DOCUMENTS, MAX_RESULT_DOCUMENTS_BYTES, type ResultDocument } from '../../../shared/contracts/results.js';

/** A file chosen in the 办结 dialog, with the title the applicant will read. */
export interface ChosenDocument {
  file: File;
  title: string;
}

/** What the complete action sends: the file as base64, which the server checks by its content. */
export async function encodeDocuments(chosen: readonly ChosenDocument[]): Promise<{ title: string; fileName: string; content: string }[]> {
  return Promise.all(
    chosen.map(async (c) => {
      const bytes = new Uint8Array(await c.file.arrayBuffer());
      let binary = '';
      // In slices: one String.fromCharCode call with every byte would overflow the argument stack.
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { title: c.title.trim(), fileName: c.file.name, content: btoa(binary) };
    }),
  );
}

/** The first problem with the chosen files before they are sent: count, total size, a title each. */
export function documentsProblem(chosen: readonly ChosenDocument[], t: (zh: string, en: string) => string): string | null {
  if (chosen.length > MAX_RESULT_DOCUMENTS) return t(`一次最多附 ${MAX_RESULT_DOCUMENTS} 份文书`, `At most ${MAX_RESULT_DOCUMENTS} documents`);
  const limit = formatBytes(MAX_RESULT_DOCUMENTS_BYTES);
  if (chosen.reduce((n, c) => n + c.file.size, 0) > MAX_RESULT_DOCUMENTS_BYTES) return t(`办结文书合计不能超过 ${limit.zh}`, `The documents may be at most ${limit.en} together`);
  return null;
}

const stem = (name: string): string => name.replace(/\.[^.]+$/, '');

/** 办结文书 in the 办结 dialog: choose files (PDF, JPEG, PNG, OFD), give each a title, remove one. */
export function DocumentPicker({ chosen, errors, onChange }: { chosen: ChosenDocument[]; errors: Record<string, string>; onChange(next: ChosenDocument[]): void }) {
  const { t, lang } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const limit = formatBytes(MAX_RESULT_DOCUMENTS_BYTES);
  return (
    <div data-testid="complete-documents">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t(
          `可附办结文书（如证照、决定书），申请人可在办件进度中下载；PDF、JPEG、PNG 或 OFD，合计不超过 ${limit.zh}。`,
          `Attach result documents (a certificate, a decision) for the applicant to download; PDF, JPEG, PNG or OFD, at most ${limit.en} together.`,
        )}
      </Typography.Paragraph>
      {chosen.map((c, i) => {
        const error = errors[`documents[${i}].title`] ?? errors[`documents[${i}].content`] ?? errors[`documents[${i}]`];
        return (
          <div key={`${c.file.name}-${i}`} style={{ marginBottom: 8 }}>
            <Space.Compact style={{ width: '100%' }}>
              <Input
                value={c.title}
                onChange={(e) => onChange(chosen.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)))}
                aria-label={t(`文书名称：${c.file.name}`, `Document title: ${c.file.name}`)}
                status={error ? 'error' : undefined}
                maxLength={100}
                data-testid={`document-title-${i}`}
              />
              <Button onClick={() => onChange(chosen.filter((_, j) => j !== i))} aria-label={t(`移除 ${c.file.name}`, `Remove ${c.file.name}`)}>
                {t('移除', 'Remove')}
              </Button>
            </Space.Compact>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {c.file.name} · {formatBytes(c.file.size)[lang]}
            </Typography.Text>
            {error && (
              <div>
                <Typography.Text type="danger" data-testid={`document-error-${i}`}>
                  {error}
                </Typography.Text>
              </div>
            )}
          </div>
        );
      })}
      <Button onClick={() => input.current?.click()} data-testid="document-add">
        {t('添加办结文书…', 'Attach documents…')}
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        hidden
        aria-label={t('选择办结文书', 'Choose result documents')}
        data-testid="document-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          onChange([...chosen, ...files.map((file) => ({ file, title: stem(file.name) }))]);
        }}
      />
      {errors.documents && (
        <div>
          <Typography.Text type="danger">{errors.documents}</Typography.Text>
        </div>
      )}
    </div>
  );
}

/** The documents attached on completion, for staff: title, file, size, download (with the case's reason). */
export function DocumentList({ documents, reason }: { documents: readonly ResultDocument[]; reason: string }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const download = async (d: ResultDocument) => {
    try {
      const file = await fetchMaterial(d.url, reason);
      saveFile(file.blob, file.fileName);
    } catch (e) {
      setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e));
    }
  };
  return (
    <>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Table
        size="small"
        pagination={false}
        rowKey="id"
        dataSource={[...documents]}
        data-testid="result-documents"
        columns={[
          { title: t('文书', 'Document'), dataIndex: 'title', key: 'title' },
          { title: t('文件', 'File'), dataIndex: 'fileName', key: 'fileName' },
          { title: t('大小', 'Size'), key: 'size', render: (_: unknown, d) => formatBytes(d.size)[lang] },
          {
            title: '',
            key: 'download',
            render: (_: unknown, d) => (
              <Button size="small" onClick={() => void download(d)}>
                {t('下载', 'Download')}
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}
