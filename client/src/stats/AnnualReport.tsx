import { Alert, Button, Space, Spin, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { Chart } from './Chart';
import { HeadlineSentence } from './Headline';
import { StatsTable, type Column } from './StatsTable';
import { RATING_LABELS, savingsOption } from './charts';
import { audienceLabel, useFetch, type BundleSummary } from './data';
import { beijingTime, chinaToday } from '../../../shared/beijing-time.js';
import { formatCount, formatPercent, SAVINGS_LABELS } from './format';
import { YearSelect } from './YearSelect';
import type { BundleFigures, DepartmentFigures, StatsReport } from '../../../shared/stats.js';
import './stats.css';

/** The year in the seed report's own terms, for the record and for paper (print CSS). */
export default function AnnualReport() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const today = chinaToday();
  const current = Number(today.slice(0, 4));
  const asked = Number(params.get('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= current ? asked : current;
  const to = year === current ? today : `${year}-12-31`;
  const { data: report, error, loading } = useFetch<StatsReport>(`/api/stats/overview?from=${year}-01-01&to=${to}`);
  const name = (x: { title: string; titleEn: string }) => (lang === 'en' ? x.titleEn : x.title);
  const { data: bundles } = useFetch<BundleSummary[]>('/api/bundles');
  const audienceOf = new Map((bundles ?? []).map((b) => [b.id, b.audience]));
  const savings = report ? savingsOption(report, t) : null;
  const n = (v: number) => formatCount(v, lang);

  const bundleColumns: Column<BundleFigures>[] = [
    { key: 'title', zh: '一件事', en: 'Bundle', value: (b) => name(b) },
    { key: 'audience', zh: '服务对象', en: 'Who applies', value: (b) => (audienceOf.has(b.id) ? audienceLabel(audienceOf.get(b.id), t) : null) },
    { key: 'filed', zh: '办件量（件）', en: 'Applications', value: (b) => b.applications.filed, numeric: true },
    { key: 'completed', zh: '已办结', en: 'Completed', value: (b) => b.applications.completed, numeric: true },
    { key: 'once', zh: SAVINGS_LABELS.onceOrWaived.zh, en: SAVINGS_LABELS.onceOrWaived.en, value: (b) => b.materialsOnceOrWaived, numeric: true },
    { key: 'visits', zh: '少跑（次）', en: 'Trips saved', value: (b) => b.visitsSaved, numeric: true },
    { key: 'limitSum', zh: '分别办理时限（工作日）', en: 'Limits one after another (wd)', value: (b) => b.days.limitSum, numeric: true },
    { key: 'promise', zh: '承诺时限', en: 'Promised', value: (b) => (b.promise ? `${b.promise.days}${b.promise.unit === 'natural' ? '自然日' : '工作日'}` : null) },
    { key: 'criticalPath', zh: '关键路径（工作日）', en: 'Critical path (wd)', value: (b) => b.days.criticalPath, numeric: true },
    { key: 'p50', zh: '实际用时中位数', en: 'Actual median', value: (b) => b.days.actualP50, numeric: true },
    { key: 'rating', zh: '平均评分', en: 'Mean rating', value: (b) => b.rating.average, numeric: true },
  ];
  const departmentColumns: Column<DepartmentFigures>[] = [
    { key: 'name', zh: '部门', en: 'Department', value: (d) => (lang === 'en' ? d.nameEn : d.name) },
    { key: 'received', zh: '收件', en: 'Received', value: (d) => d.received, numeric: true },
    { key: 'completed', zh: '办结', en: 'Completed', value: (d) => d.completed, numeric: true },
    { key: 'rate', zh: '按时办结率', en: 'On time', value: (d) => d.onTimeRate, render: (d) => formatPercent(d.onTimeRate), numeric: true },
    { key: 'overdue', zh: '超期', en: 'Overdue', value: (d) => d.overdue, numeric: true },
    { key: 'actual', zh: '平均用时（工作日）', en: 'Mean time (wd)', value: (d) => d.actualDaysAvg, numeric: true },
  ];
  type Pair = { key: string; label: string; value: number | null };
  const pairs = (zh: string, en: string): Column<Pair>[] => [
    { key: 'label', zh, en, value: (r) => r.label },
    { key: 'value', zh: '数量', en: 'Count', value: (r) => r.value, numeric: true },
  ];

  return (
    <article className="annual-report" data-testid="annual-report">
      <Space className="no-print" wrap style={{ marginBottom: 12 }}>
        <YearSelect value={year} current={current} onChange={(y) => setParams({ year: String(y) })} />
        <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!report}>
          {t('打印', 'Print')}
        </Button>
      </Space>
      <Typography.Title level={2} className="report-title">
        {t(`${year}年“一件事一次办”改革成效报告`, `“One matter, one visit”: the ${year} report`)}
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      {loading && !report && <Spin />}
      {report && (
        <>
          <Typography.Paragraph type="secondary">
            {t(`统计口径：${report.period.from} 至 ${to} 提交的申请；生成于 ${beijingTime(report.generatedAt)}（北京时间）。`, `Applications filed ${report.period.from} to ${to}; generated ${beijingTime(report.generatedAt)} (China time).`)}
          </Typography.Paragraph>
          <section>
            <Typography.Title level={3}>{t('一、总体情况', '1. Overview')}</Typography.Title>
            <HeadlineSentence year={year} to={to} headline={report.headline} lead={report.bundles[0]} />
            {report.applications.filed > 0 && (
              <Typography.Paragraph>
                {t(
                  `已办结 ${n(report.applications.completed)} 件，部分办结 ${n(report.applications.partiallyCompleted)} 件，办理中 ${n(report.applications.inProgress)} 件，不予受理 ${n(report.applications.rejected)} 件。按各部门分别办理计算需提交材料 ${n(report.materials.separately)} 份，实际提交 ${n(report.materials.handedIn)} 份；群众评价 ${n(report.rating.count)} 件，平均 ${report.rating.average ?? '—'} 分。`,
                  `${n(report.applications.completed)} completed, ${n(report.applications.partiallyCompleted)} partly completed, ${n(report.applications.inProgress)} in progress and ${n(report.applications.rejected)} rejected. Applied for department by department they would have needed ${n(report.materials.separately)} documents; ${n(report.materials.handedIn)} were handed in. ${n(report.rating.count)} ratings, ${report.rating.average ?? '—'} on average.`,
                )}
              </Typography.Paragraph>
            )}
          </section>
          <section>
            <Typography.Title level={3}>{t('二、各“一件事”办理情况', '2. Each bundle')}</Typography.Title>
            <StatsTable title={t('各一件事', 'Bundles')} testId="report-bundles" fileName={`report-${year}-bundles`} columns={bundleColumns} rows={report.bundles} rowKey={(b) => b.id} />
          </section>
          <section>
            <Typography.Title level={3}>{t('三、材料与跑动', '3. Documents and trips')}</Typography.Title>
            {savings && <Chart testId="report-chart-savings" renderer="svg" height={260} label={t('按原因的材料节省', 'Documents spared by reason')} option={savings} />}
            <StatsTable
              title={t('材料与跑动', 'Documents and trips')}
              testId="report-materials"
              fileName={`report-${year}-documents`}
              columns={pairs('项目', 'Item')}
              rowKey={(r) => r.key}
              rows={[
                { key: 'separately', label: t('分别办理需提交材料（份）', 'Documents if applied for separately'), value: report.materials.separately },
                { key: 'handedIn', label: t('实际提交材料（份）', 'Documents handed in'), value: report.materials.handedIn },
                { key: 'once', label: t('只提交一次或免于提交（份）', 'Submitted once or not at all'), value: report.headline.materialsOnceOrWaived },
                { key: 'visitsSeparately', label: t('分别办理跑动（次）', 'Trips if separately'), value: report.visits.separately },
                { key: 'visitsBundled', label: t('一件事跑动（次）', 'Trips with the bundle'), value: report.visits.bundled },
                { key: 'visitsSaved', label: t('少跑（次）', 'Trips saved'), value: report.headline.visitsSaved },
              ]}
            />
          </section>
          <section>
            <Typography.Title level={3}>{t('四、办理时效', '4. Time limits')}</Typography.Title>
            <StatsTable title={t('各部门', 'Departments')} testId="report-departments" fileName={`report-${year}-departments`} columns={departmentColumns} rows={report.departments} rowKey={(d) => d.code} />
          </section>
          <section>
            <Typography.Title level={3}>{t('五、群众评价（好差评）', '5. Ratings')}</Typography.Title>
            <StatsTable
              title={t('好差评', 'Ratings')}
              testId="report-ratings"
              fileName={`report-${year}-ratings`}
              columns={pairs('评价', 'Rating')}
              rowKey={(r) => r.key}
              rows={(['5', '4', '3', '2', '1'] as const).map((k) => ({ key: k, label: t(RATING_LABELS[k][0], RATING_LABELS[k][1]), value: report.rating.distribution[k] }))}
            />
          </section>
        </>
      )}
    </article>
  );
}
