import type { ReactNode } from 'react';
import { Card, Table } from 'antd';
import { useI18n } from '../i18n';
import { CsvButton } from './CsvButton';
import type { Cell } from './csv';

export interface Column<T> {
  key: string;
  zh: string;
  en: string;
  /** What the CSV holds (and the table shows, unless `render` says otherwise). */
  value: (row: T) => Cell;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

/** A table with its CSV export: the file has exactly the table's columns and rows. */
export function StatsTable<T>({ title, columns, rows, rowKey, fileName, testId, pageSize }: { title: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; fileName: string; testId: string; pageSize?: number }) {
  const { t } = useI18n();
  return (
    <Card
      title={title}
      size="small"
      className="stats-table"
      extra={<CsvButton fileName={`${fileName}.csv`} testId={`${testId}-csv`} header={columns.map((c) => t(c.zh, c.en))} rows={rows.map((r) => columns.map((c) => c.value(r)))} />}
    >
      {/* The wrapper scrolls wide tables on a phone, and is focusable so the keyboard can scroll it too. */}
      <div className="stats-table-scroll" tabIndex={0} role="region" aria-label={title}>
      <Table<T>
        data-testid={testId}
        size="small"
        rowKey={rowKey}
        dataSource={rows}
        pagination={pageSize && rows.length > pageSize ? { pageSize, showSizeChanger: false } : false}
        columns={columns.map((c) => ({
          key: c.key,
          title: t(c.zh, c.en),
          align: c.numeric ? ('right' as const) : ('left' as const),
          render: (_: unknown, row: T) => (c.render ? c.render(row) : (c.value(row) ?? '—')),
        }))}
      />
      </div>
    </Card>
  );
}
