import { Alert, Card, Col, Row, Space, Spin, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { Chart } from './Chart';
import { HeadlineSentence } from './Headline';
import { StatsTable } from './StatsTable';
import { bundleVolumeOption } from './charts';
import { useFetch } from './data';
import { beijingTime, chinaToday } from '../../../shared/beijing-time.js';
import { formatPercent, SAVINGS_LABELS } from './format';
import { KpiCards } from './KpiCards';
import { YearSelect } from './YearSelect';
import type { PublicSummary as Summary } from '../../../shared/stats.js';
import './stats.css';

/** The headline numbers for anyone, without signing in (政务公开): counts only, nobody's data. */
export default function PublicSummary() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const today = chinaToday();
  const current = Number(today.slice(0, 4));
  const asked = Number(params.get('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= current ? asked : current;
  const { data, error, loading } = useFetch<Summary>(`/api/public/summary?year=${year}`);
  const volume = data ? bundleVolumeOption(data.bundles, lang, t) : null;
  type B = Summary['bundles'][number];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} className="stats-page">
      <Space wrap align="center">
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('“一件事一次办”改革成效', '“One matter, one visit” in numbers')}
        </Typography.Title>
        <YearSelect value={year} current={current} onChange={(y) => setParams({ year: String(y) })} />
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {loading && !data && <Spin />}
      {data && (
        <>
          <HeadlineSentence year={year} to={year === current ? today : `${year}-12-31`} headline={data.headline} lead={data.bundles[0]} />
          <KpiCards
            span={{ xs: 12, md: 8, lg: 4 }}
            figures={[
              [t('上线“一件事”', 'Bundles online'), data.bundlesLive],
              [t('累计办理（件）', 'Applications'), data.headline.applications],
              [t('已办结（件）', 'Completed'), data.completed],
              [SAVINGS_LABELS.onceOrWaived, data.headline.materialsOnceOrWaived],
              [t('群众少跑（次）', 'Trips saved'), data.headline.visitsSaved],
              // A rate from a handful of ratings says little without how many there were.
              [t('满意率', 'Satisfied'), data.rating.count ? t(`${formatPercent(data.rating.satisfied)}（${data.rating.count} 条评价）`, `${formatPercent(data.rating.satisfied)} (${data.rating.count} ratings)`) : '—'],
            ]}
          />
          {data.bundles.length > 0 && volume && (
            <Row gutter={[12, 12]}>
              <Col xs={24} md={12}>
                <Card size="small" title={t('各“一件事”办件量', 'Applications per bundle')}>
                  <Chart testId="summary-chart" renderer="svg" label={t('各一件事办件量', 'Applications per bundle')} option={volume} />
                </Card>
              </Col>
              <Col xs={24} md={12}>
                <StatsTable<B>
                  title={t('各“一件事”办件量', 'Applications per bundle')}
                  testId="summary-bundles"
                  fileName={`summary-${year}`}
                  rowKey={(b) => b.id}
                  rows={data.bundles}
                  columns={[
                    { key: 'title', zh: '一件事', en: 'Bundle', value: (b) => (lang === 'en' ? b.titleEn : b.title) },
                    { key: 'applications', zh: '办件量（件）', en: 'Applications', value: (b) => b.applications, numeric: true },
                  ]}
                />
              </Col>
            </Row>
          )}
          <Typography.Text type="secondary">
            {t(`数据为 ${data.period.from} 起提交的申请汇总，不含任何个人信息；更新于 ${beijingTime(data.generatedAt)}（北京时间）。`, `Totals of applications filed from ${data.period.from}; no personal data. Updated ${beijingTime(data.generatedAt)} China time.`)}
          </Typography.Text>
        </>
      )}
    </Space>
  );
}
