import { Alert, Button, Card, Col, DatePicker, Row, Select, Space, Spin, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { Chart } from './Chart';
import { StatsTable, type Column } from './StatsTable';
import { barChartHeight, granularityFor, groupSeries, onTimeOption, ratingOption, RATING_LABELS, savingsOption, savingsRows, timeOption, trendOption } from './charts';
import { audienceLabel, audienceOptions, useFetch, type BundleSummary } from './data';
import { chinaToday } from '../../../shared/beijing-time.js';
import { formatPercent, SAVINGS_LABELS } from './format';
import { KpiCards } from './KpiCards';
import type { BundleFigures, DepartmentFigures, RegionFigures, SeriesPoint, StatsReport } from '../../../shared/stats.js';
import './stats.css';

function shift(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Statistics for administrators and designers: what the reform saved, per bundle and department. */
export default function Dashboard() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const today = chinaToday();
  const to = params.get('to') ?? today;
  const from = params.get('from') ?? `${to.slice(0, 4)}-01-01`;
  const bundle = params.get('bundle') ?? '';
  const set = (next: Record<string, string>) => setParams((p) => {
    const q = new URLSearchParams(p);
    for (const [k, v] of Object.entries(next)) if (v) q.set(k, v); else q.delete(k);
    return q;
  });

  const bundles = useFetch<BundleSummary[]>('/api/bundles');
  const url = `${bundle ? `/api/stats/bundles/${encodeURIComponent(bundle)}` : '/api/stats/overview'}?from=${from}&to=${to}`;
  const { data: report, error, loading } = useFetch<StatsReport>(url);
  // One bundle cut by region: its standard and each city's implementation (empty without regions).
  const { data: regions } = useFetch<RegionFigures[]>(bundle ? `/api/stats/bundles/${encodeURIComponent(bundle)}/regions?from=${from}&to=${to}` : null);
  const name = (x: { title: string; titleEn: string }) => (lang === 'en' ? x.titleEn : x.title);
  const audienceOf = new Map((bundles.data ?? []).map((b) => [b.id, b.audience]));

  const g = granularityFor(from, to);
  const points = report ? groupSeries(report.series, g) : [];
  const view = report && {
    trend: trendOption(points, t),
    savings: savingsOption(report, t),
    time: timeOption(report, lang, t),
    rating: ratingOption(report, t),
    onTime: onTimeOption(report.departments, lang, t),
  };
  const file = (what: string) => `${what}-${bundle || 'all'}-${from}-${to}`;

  const regionColumns: Column<RegionFigures>[] = [
    { key: 'region', zh: '地区', en: 'Region', value: (r) => `${lang === 'en' ? r.nameEn : r.name}${r.standard ? t('（全省标准）', ' (province standard)') : ''}` },
    { key: 'code', zh: '区划代码', en: 'Code', value: (r) => r.code },
    { key: 'filed', zh: '办件量', en: 'Filed', value: (r) => r.filed, numeric: true },
    { key: 'completed', zh: '已办结', en: 'Completed', value: (r) => r.completed, numeric: true },
    { key: 'notHandedIn', zh: SAVINGS_LABELS.notHandedIn.zh, en: SAVINGS_LABELS.notHandedIn.en, value: (r) => r.materialsNotHandedIn, numeric: true },
    { key: 'visits', zh: '少跑（次）', en: 'Trips saved', value: (r) => r.visitsSaved, numeric: true },
  ];

  const bundleColumns: Column<BundleFigures>[] = [
    { key: 'title', zh: '一件事', en: 'Bundle', value: (b) => name(b) },
    { key: 'audience', zh: '服务对象', en: 'Who applies', value: (b) => (audienceOf.has(b.id) ? audienceLabel(audienceOf.get(b.id), t) : null) },
    { key: 'filed', zh: '办件量', en: 'Filed', value: (b) => b.applications.filed, numeric: true },
    { key: 'completed', zh: '已办结', en: 'Completed', value: (b) => b.applications.completed, numeric: true },
    { key: 'partially', zh: '部分办结', en: 'Partly completed', value: (b) => b.applications.partiallyCompleted, numeric: true },
    { key: 'inProgress', zh: '办理中', en: 'In progress', value: (b) => b.applications.inProgress, numeric: true },
    { key: 'rejected', zh: '不予受理', en: 'Rejected', value: (b) => b.applications.rejected, numeric: true },
    { key: 'once', zh: SAVINGS_LABELS.onceOrWaived.zh, en: SAVINGS_LABELS.onceOrWaived.en, value: (b) => b.materialsOnceOrWaived, numeric: true },
    { key: 'notHandedIn', zh: SAVINGS_LABELS.notHandedIn.zh, en: SAVINGS_LABELS.notHandedIn.en, value: (b) => b.materialsNotHandedIn, numeric: true },
    { key: 'visits', zh: '少跑（次）', en: 'Trips saved', value: (b) => b.visitsSaved, numeric: true },
    { key: 'limitSum', zh: '时限之和（工作日）', en: 'Sum of limits (wd)', value: (b) => b.days.limitSum, numeric: true },
    { key: 'promise', zh: '承诺时限', en: 'Promised', value: (b) => (b.promise ? `${b.promise.days}${b.promise.unit === 'natural' ? '自然日' : '工作日'}` : null) },
    { key: 'criticalPath', zh: '关键路径', en: 'Critical path', value: (b) => b.days.criticalPath, numeric: true },
    { key: 'p50', zh: '实际中位数', en: 'Actual median', value: (b) => b.days.actualP50, numeric: true },
    { key: 'p95', zh: '实际 P95', en: 'Actual P95', value: (b) => b.days.actualP95, numeric: true },
    { key: 'rating', zh: '平均评分', en: 'Mean rating', value: (b) => b.rating.average, numeric: true },
  ];
  const departmentColumns: Column<DepartmentFigures>[] = [
    { key: 'name', zh: '部门', en: 'Department', value: (d) => (lang === 'en' ? d.nameEn : d.name) },
    { key: 'received', zh: '收件', en: 'Received', value: (d) => d.received, numeric: true },
    { key: 'completed', zh: '办结', en: 'Completed', value: (d) => d.completed, numeric: true },
    { key: 'onTime', zh: '按时办结', en: 'On time', value: (d) => d.completedOnTime, numeric: true },
    { key: 'late', zh: '超时办结', en: 'Late', value: (d) => d.completedLate, numeric: true },
    { key: 'open', zh: '在办', en: 'Open', value: (d) => d.open, numeric: true },
    { key: 'openOverdue', zh: '在办超期', en: 'Open, overdue', value: (d) => d.openOverdue, numeric: true },
    { key: 'overdue', zh: '超期合计', en: 'Overdue in all', value: (d) => d.overdue, numeric: true },
    { key: 'rejected', zh: '不予受理', en: 'Rejected', value: (d) => d.rejected, numeric: true },
    { key: 'rate', zh: '按时办结率', en: 'On-time rate', value: (d) => d.onTimeRate, render: (d) => formatPercent(d.onTimeRate), numeric: true },
    { key: 'limit', zh: '平均时限（工作日）', en: 'Mean limit (wd)', value: (d) => d.limitDaysAvg, numeric: true },
    { key: 'actual', zh: '平均用时（工作日）', en: 'Mean actual (wd)', value: (d) => d.actualDaysAvg, numeric: true },
  ];
  const seriesColumns: Column<SeriesPoint>[] = [
    { key: 'day', zh: g === 'day' ? '日期' : g === 'week' ? '周（周一）' : '月份', en: g === 'day' ? 'Day' : g === 'week' ? 'Week (Monday)' : 'Month', value: (p) => p.day },
    { key: 'filed', zh: '办件量', en: 'Filed', value: (p) => p.filed, numeric: true },
    { key: 'completed', zh: '已办结', en: 'Completed', value: (p) => p.completed, numeric: true },
    { key: 'partially', zh: '部分办结', en: 'Partly completed', value: (p) => p.partiallyCompleted, numeric: true },
    { key: 'inProgress', zh: '办理中', en: 'In progress', value: (p) => p.inProgress, numeric: true },
    { key: 'rejected', zh: '不予受理', en: 'Rejected', value: (p) => p.rejected, numeric: true },
    { key: 'once', zh: SAVINGS_LABELS.onceOrWaived.zh, en: SAVINGS_LABELS.onceOrWaived.en, value: (p) => p.materialsOnceOrWaived, numeric: true },
    { key: 'visits', zh: '少跑（次）', en: 'Trips saved', value: (p) => p.visitsSaved, numeric: true },
  ];
  type Row2 = { key: string; label: string; value: number | null };
  const pairColumns = (zh: string, en: string): Column<Row2>[] => [
    { key: 'label', zh, en, value: (r) => r.label },
    { key: 'value', zh: '数量', en: 'Count', value: (r) => r.value, numeric: true },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} className="stats-page">
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('统计分析', 'Statistics')}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <label>
            {t('申请日期', 'Filed')}{' '}
            <DatePicker.RangePicker
              aria-label={t('申请日期', 'Filed')}
              allowClear={false}
              value={[dayjs(from), dayjs(to)]}
              onChange={(v) => v?.[0] && v[1] && set({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') })}
            />
          </label>
          <Select
            aria-label={t('一件事', 'Bundle')}
            data-testid="stats-bundle"
            value={bundle}
            style={{ minWidth: 240 }}
            showSearch={{ optionFilterProp: 'label' }}
            onChange={(v: string) => set({ bundle: v })}
            options={[{ value: '', label: t('全部一件事', 'All bundles') }, ...audienceOptions(bundles.data ?? [], lang, t)]}
          />
          <Button size="small" onClick={() => set({ from: `${today.slice(0, 4)}-01-01`, to: today })}>{t('本年', 'This year')}</Button>
          <Button size="small" onClick={() => set({ from: shift(today, -29), to: today })}>{t('近 30 天', 'Last 30 days')}</Button>
          <Button size="small" onClick={() => set({ from: shift(today, -364), to: today })}>{t('近一年', 'Last year')}</Button>
          <Link to={`/stats/report?year=${to.slice(0, 4)}`} style={{ color: '#1d5fbf' }}>{t('年度报告', 'Annual report')}</Link>
        </Space>
      </Card>
      {error && <Alert type="error" showIcon title={error} />}
      {loading && !report && <Spin />}
      {report && view && (
        <>
          <Typography.Text type="secondary">
            {t(
              `口径：${report.period.from} 至 ${report.period.to} 提交的申请及其当前状态；用时按工作日计（受理当日不计，周末不计）。`,
              `Applications filed ${report.period.from} to ${report.period.to}, as they stand now; times in working days (the day of receipt and weekends not counted).`,
            )}
          </Typography.Text>
          <KpiCards
            testId="stats-kpis"
            span={{ xs: 12, md: 6 }}
            figures={[
              [t('办件量', 'Filed'), report.applications.filed],
              [t('已办结', 'Completed'), report.applications.completed],
              [t('办理中', 'In progress'), report.applications.inProgress],
              [t('不予受理/部分办结', 'Rejected / partly'), report.applications.rejected + report.applications.partiallyCompleted],
              [SAVINGS_LABELS.onceOrWaived, report.headline.materialsOnceOrWaived],
              [SAVINGS_LABELS.notHandedIn, report.headline.materialsNotHandedIn],
              [t('少跑（次）', 'Trips saved'), report.headline.visitsSaved],
              [t('好差评平均分', 'Mean rating'), report.rating.average === null ? '—' : t(`${report.rating.average}（${report.rating.count} 条）`, `${report.rating.average} (${report.rating.count})`)],
              [t('数据共享调用（次）', 'Data-sharing calls'), report.sharingCalls.calls],
              [t('共享获取电子证照（份）', 'Licences fetched'), report.sharingCalls.licencesFetched],
            ]}
          />
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('办件趋势', 'Applications over time')}>
                <Chart testId="chart-trend" label={t('按状态的办件趋势', 'Applications by status over time')} option={view.trend} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('材料节省（按原因）', 'Documents spared, by reason')}>
                <Chart testId="chart-savings" label={t('按原因的材料节省', 'Documents spared by reason')} option={view.savings} />
              </Card>
            </Col>
            {/* The overview's one row per bundle takes the whole width: fifteen and more rows. */}
            <Col xs={24} lg={report.bundle ? 12 : 24}>
              <Card size="small" title={report.bundle ? t('各部门用时与时限', 'Time against limits, per department') : t('办理用时与时限', 'Processing time against limits')}>
                <Chart testId="chart-time" label={t('办理用时与时限', 'Processing time against limits')} option={view.time} height={report.bundle ? 300 : barChartHeight(report.bundles.length, 3)} />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t('好差评分布', 'Ratings')}>
                <Chart testId="chart-rating" label={t('好差评分布', 'Rating distribution')} option={view.rating} />
              </Card>
            </Col>
            <Col xs={24}>
              <Card size="small" title={t('部门按时办结率', 'Departments: completed on time')}>
                <Chart testId="chart-ontime" label={t('部门按时办结率', 'On-time rate per department')} option={view.onTime} height={Math.max(200, 36 * report.departments.length + 40)} />
              </Card>
            </Col>
          </Row>
          {!report.bundle && <StatsTable title={t('各一件事', 'Bundles')} testId="table-bundles" fileName={file('bundles')} columns={bundleColumns} rows={report.bundles} rowKey={(b) => b.id} />}
          {report.bundle && regions && regions.length > 0 && (
            <StatsTable title={t('各地区', 'Regions')} testId="table-regions" fileName={file('regions')} columns={regionColumns} rows={regions} rowKey={(r) => r.code} />
          )}
          <StatsTable title={t('各部门', 'Departments')} testId="table-departments" fileName={file('departments')} columns={departmentColumns} rows={report.departments} rowKey={(d) => d.code} />
          <Row gutter={[12, 12]}>
            <Col xs={24} md={12}>
              <StatsTable
                title={t('材料', 'Documents')}
                testId="table-materials"
                fileName={file('materials')}
                columns={pairColumns('项目', 'Item')}
                rowKey={(r) => r.key}
                rows={[
                  { key: 'separately', label: t('分别办理需提交', 'If applied for separately'), value: report.materials.separately },
                  { key: 'handedIn', label: t('实际提交', 'Handed in'), value: report.materials.handedIn },
                  ...savingsRows(report, t),
                  { key: 'visitsSeparately', label: t('分别办理跑动（次）', 'Trips if separately'), value: report.visits.separately },
                  { key: 'visitsBundled', label: t('一件事跑动（次）', 'Trips with the bundle'), value: report.visits.bundled },
                ]}
              />
            </Col>
            <Col xs={24} md={12}>
              <StatsTable
                title={t('好差评与用时', 'Ratings and times')}
                testId="table-ratings"
                fileName={file('ratings')}
                columns={pairColumns('项目', 'Item')}
                rowKey={(r) => r.key}
                rows={[
                  ...(['5', '4', '3', '2', '1'] as const).map((k) => ({ key: `r${k}`, label: t(RATING_LABELS[k][0], RATING_LABELS[k][1]), value: report.rating.distribution[k] })),
                  { key: 'count', label: t('评价总数', 'Ratings in all'), value: report.rating.count },
                  { key: 'average', label: t('平均分', 'Mean'), value: report.rating.average },
                  { key: 'limitSum', label: t('各部门时限之和（工作日，均值）', 'Sum of limits (wd, mean)'), value: report.days.limitSum },
                  { key: 'criticalPath', label: t('关键路径（工作日，均值）', 'Critical path (wd, mean)'), value: report.days.criticalPath },
                  { key: 'p50', label: t('实际用时中位数（工作日）', 'Actual median (wd)'), value: report.days.actualP50 },
                  { key: 'p95', label: t('实际用时 P95（工作日）', 'Actual P95 (wd)'), value: report.days.actualP95 },
                ]}
              />
            </Col>
          </Row>
          <StatsTable title={t('办件明细（按时间）', 'Applications over time')} testId="table-series" fileName={file('series')} columns={seriesColumns} rows={points} rowKey={(p) => p.day} pageSize={12} />
        </>
      )}
    </Space>
  );
}
