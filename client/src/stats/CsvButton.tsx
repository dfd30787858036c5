import { Button } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { downloadCsv, toCsv, type Cell } from './csv';

/** Exports one table as it is shown (same columns, same order) as a CSV file. */
export function CsvButton({ fileName, header, rows, testId }: { fileName: string; header: string[]; rows: Cell[][]; testId: string }) {
  const { t } = useI18n();
  return (
    <Button size="small" icon={<DownloadOutlined />} className="no-print" data-testid={testId} onClick={() => downloadCsv(fileName, toCsv(header, rows))}>
      {t('导出 CSV', 'Export CSV')}
    </Button>
  );
}
