import { useEffect, useRef, useState } from 'react';
import { Button, Progress, Space, Typography } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { api, ApiError, upload } from '../api';
import { ACCEPT, checkFile, formatSize, uploadHint } from './upload-check';
import { DEFAULT_MAX_UPLOAD_BYTES, type UploadLimits } from '../../../shared/uploads.js';
import type { Uploaded } from './types';

let limits: Promise<UploadLimits> | undefined;

/** The server's limits (MAX_UPLOAD_BYTES), asked once per page; the default if it cannot answer (it refuses the rest itself). */
function uploadLimits(): Promise<UploadLimits> {
  limits ??= api<UploadLimits>('GET', '/api/uploads/limits').catch((): UploadLimits => {
    limits = undefined;
    return { maxBytes: DEFAULT_MAX_UPLOAD_BYTES };
  });
  return limits;
}

interface Props {
  applicationId: string;
  code: string;
  /** The material's title, for the button's accessible name. */
  title: string;
  uploaded?: Pick<Uploaded, 'fileName' | 'size'> | undefined;
  onUploaded(file: { fileName: string; size: number }): void;
}

/**
 * One material's upload: checked before it is sent (type by content, size), sent with a
 * progress bar, and checked again by the server, whose refusal is shown the same way.
 */
export function Uploader({ applicationId, code, title, uploaded, onUploaded }: Props) {
  const { t, lang } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [maxBytes, setMaxBytes] = useState(DEFAULT_MAX_UPLOAD_BYTES);
  useEffect(() => {
    let live = true;
    void uploadLimits().then((l) => live && setMaxBytes(l.maxBytes));
    return () => {
      live = false;
    };
  }, []);
  const problemId = `upload-${code.replace(/[^a-zA-Z0-9_-]/g, '_')}-problem`;

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setProblem(null);
    const bad = await checkFile(file, maxBytes);
    if (bad) {
      setProblem(bad[lang]);
      return;
    }
    setProgress(0);
    try {
      await upload(`/api/applications/${applicationId}/materials/${encodeURIComponent(code)}`, file, (f) => setProgress(Math.round(f * 100)));
      setProgress(100);
      onUploaded({ fileName: file.name, size: file.size });
    } catch (e) {
      setProblem(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e));
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };

  const busy = progress !== null;
  return (
    <div className="uploader" data-testid={`upload-${code}`}>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid={`file-${code}`}
        onChange={(e) => void choose(e.target.files?.[0])}
      />
      <Space wrap size={[8, 4]}>
        <Button icon={<UploadOutlined />} onClick={() => input.current?.click()} disabled={busy} aria-describedby={problem ? problemId : undefined} aria-label={`${uploaded ? t('重新上传', 'Replace') : t('选择文件上传', 'Choose a file')}${t('：', ': ')}${title}`}>
          {uploaded ? t('重新上传', 'Replace') : t('选择文件上传', 'Choose a file')}
        </Button>
        {uploaded && !busy && (
          <Typography.Text data-testid={`uploaded-${code}`}>
            {t('已上传：', 'Uploaded: ')}{uploaded.fileName}{t(`（${formatSize(uploaded.size)}）`, ` (${formatSize(uploaded.size)})`)}
          </Typography.Text>
        )}
      </Space>
      {busy && (
        <div role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} aria-label={`${t('上传进度：', 'Upload progress: ')}${title}`} data-testid={`progress-${code}`}>
          <Progress percent={progress} size="small" aria-hidden="true" />
        </div>
      )}
      {problem && (
        <div id={problemId} className="sf-error" role="alert">
          {problem}
        </div>
      )}
      <div className="sf-help">{uploadHint(maxBytes)[lang]}</div>
    </div>
  );
}
