import { useEffect, useState } from 'react';
import { Alert, Card, Col, Row, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { BundleSummary } from './types';

/** The life events as cards, each with what it bundles and what it saves. */
export default function Home() {
  const { t, lang } = useI18n();
  const [bundles, setBundles] = useState<BundleSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<BundleSummary[]>('GET', '/api/bundles').then(setBundles, (e: unknown) => setError(String(e)));
  }, []);

  return (
    <>
      <Typography.Title level={2}>{t('选择您要办理的一件事', 'Choose your life event')}</Typography.Title>
      {error && <Alert type="error" title={error} showIcon />}
      <Row gutter={[16, 16]}>
        {(bundles ?? []).map((b) => {
          const s = b.savings;
          const visitsSaved = s.visits.separately - s.visits.bundled;
          const materialsSaved = s.materials.separately - s.materials.handedIn;
          return (
            <Col key={b.id} xs={24} md={12}>
              <Card
                title={<Typography.Title level={3} style={{ margin: 0, fontSize: 18 }}>{lang === 'en' ? b.titleEn : b.title}</Typography.Title>}
                extra={<Link to={`/apply/${b.id}`} aria-label={`${t('办理', 'Apply')} ${lang === 'en' ? b.titleEn : b.title}`}>{t('开始办理', 'Apply')}</Link>}
                data-testid={`bundle-${b.id}`}
              >
                {b.description && <Typography.Paragraph>{b.description}</Typography.Paragraph>}
                <Typography.Paragraph strong data-testid={`savings-${b.id}`}>
                  {t(
                    `少跑 ${visitsSaved} 次 · 少交 ${materialsSaved} 份材料 · ${s.days.separately} 天 → ${s.days.criticalPath} 天`,
                    `${visitsSaved} fewer visits · ${materialsSaved} fewer documents · ${s.days.separately} → ${s.days.criticalPath} days`,
                  )}
                </Typography.Paragraph>
                <Space wrap size={[4, 4]}>
                  {b.departments.map((d) => (
                    <Tag key={d.code}>{lang === 'en' ? d.nameEn : d.name}</Tag>
                  ))}
                </Space>
              </Card>
            </Col>
          );
        })}
      </Row>
    </>
  );
}
