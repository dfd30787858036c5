import { Typography } from 'antd';
import { useI18n } from '../i18n';
import { formatBytes } from '../../../shared/uploads.js';
import type { ApplicationItem } from './types';

/** 办结文书: what the department attached when it completed the item, for the applicant to download. */
export function ResultDocuments({ item }: { item: ApplicationItem }) {
  const { t } = useI18n();
  if (item.documents.length === 0) return null;
  return (
    <div style={{ marginTop: 8 }} data-testid={`documents-${item.itemId}`}>
      <Typography.Text strong className="desc-title">
        {t('办结文书', 'Result documents')}
      </Typography.Text>
      <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
        {item.documents.map((d) => (
          <li key={d.id}>
            <a href={d.url} download={d.fileName} data-testid={`document-${d.id}`}>
              {d.title}
            </a>{' '}
            <Typography.Text type="secondary">
              {t(`（${d.fileName}，${formatBytes(d.size).zh}）`, `(${d.fileName}, ${formatBytes(d.size).en})`)}
            </Typography.Text>
          </li>
        ))}
      </ul>
    </div>
  );
}
