import { Select } from 'antd';
import { useI18n } from '../i18n';

/** Years from the reform's first on this platform to the current one (China time). */
export function YearSelect({ value, onChange, current }: { value: number; onChange: (year: number) => void; current: number }) {
  const { t } = useI18n();
  const years = Array.from({ length: Math.max(1, current - 2019) }, (_, i) => current - i);
  return (
    <Select<number>
      aria-label={t('年份', 'Year')}
      data-testid="year-select"
      className="no-print"
      value={value}
      onChange={onChange}
      style={{ minWidth: 110 }}
      options={years.map((y) => ({ value: y, label: t(`${y}年`, String(y)) }))}
    />
  );
}
