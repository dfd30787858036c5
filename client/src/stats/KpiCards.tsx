import { Card, Col, Row, Statistic, Typography } from 'antd';
import { useI18n } from '../i18n';

/** A figure's name, or a name with a line saying what it counts. */
export type KpiLabel = string | { readonly zh: string; readonly en: string; readonly noteZh: string; readonly noteEn: string };

/** Headline figures as cards; a figure that needs it carries what it counts beneath it. */
export function KpiCards({ figures, span, testId }: { figures: readonly (readonly [KpiLabel, number | string])[]; span: { xs: number; md: number; lg?: number }; testId?: string }) {
  const { t } = useI18n();
  return (
    <Row gutter={[12, 12]} data-testid={testId}>
      {figures.map(([label, value]) => {
        const title = typeof label === 'string' ? label : t(label.zh, label.en);
        return (
          <Col key={title} {...span}>
            <Card size="small" style={{ height: '100%' }}>
              <Statistic title={title} value={value} />
              {typeof label !== 'string' && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(label.noteZh, label.noteEn)}
                </Typography.Text>
              )}
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}
