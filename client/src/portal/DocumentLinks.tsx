import { Space, Typography } from 'antd';
import { useI18n } from '../i18n';

const FINISHED = ['completed', 'rejected', 'partially_completed'];

/**
 * The application's PDFs (server/documents/) where each applies: the 受理回执 once filed, the
 * 一次性告知书 while a department waits for a 补正, the 办结通知书 once finished, the 申请表 always.
 * They open in the browser's viewer, to read, save or print.
 */
export function DocumentLinks({ id, status, supplement = false }: { id: string; status: string; supplement?: boolean }) {
  const { t } = useI18n();
  const filed = status !== 'draft';
  const docs: { key: string; show: boolean; zh: string; en: string }[] = [
    { key: 'receipt', show: filed, zh: '受理回执', en: 'Receipt' },
    { key: 'notice', show: filed && supplement, zh: '一次性告知书（需补正的内容）', en: 'Notice of what is missing' },
    { key: 'form', show: true, zh: filed ? '申请表' : '申请表（核对用）', en: filed ? 'Application form' : 'Application form (to check)' },
    { key: 'completion', show: FINISHED.includes(status), zh: '办结通知书', en: 'Completion notice' },
  ];
  return (
    <Space wrap size={[12, 4]} data-testid={`documents-${id}`}>
      <Typography.Text className="muted">{t('文书（PDF）：', 'Documents (PDF):')}</Typography.Text>
      {docs
        .filter((d) => d.show)
        .map((d) => (
          <a key={d.key} href={`/api/applications/${id}/${d.key}`} target="_blank" rel="noopener noreferrer" data-testid={`document-${d.key}`}>
            {t(d.zh, d.en)}
          </a>
        ))}
    </Space>
  );
}
