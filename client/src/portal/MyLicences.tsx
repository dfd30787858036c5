import { useEffect, useState } from 'react';
import { Alert, Card, Empty, List, Space, Spin, Typography } from 'antd';
import { Link } from 'react-router';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { Pill, useDocumentTitle } from './labels';
import type { IssuedLicence } from './types';

/** A date of issue as printed (China dates, kept as the day they are in Beijing): `2026-12-03` → `2026年12月3日`. */
export function licenceDate(iso: string | null, lang: 'zh' | 'en'): string {
  if (!iso) return lang === 'en' ? 'no end' : '长期';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return lang === 'en' ? `${Number(m[3])} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m[2]) - 1]} ${m[1]}` : `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** /licences (我的证照): the licences issued to the applicant when their items completed, each with its PDF. */
export default function MyLicences() {
  const { t } = useI18n();
  const [list, setList] = useState<IssuedLicence[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(t('我的证照', 'My licences'));

  useEffect(() => {
    api<IssuedLicence[]>('GET', '/api/me/licences').then(setList, (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="portal">
      <Typography.Title level={2} style={{ fontSize: 22 }}>
        {t('我的证照', 'My licences')}
      </Typography.Title>
      <Typography.Paragraph className="muted">
        {t('事项办结后签发的电子证照存入您的个人档案（一人一档），以后办理其他事项时无需再次提交。', 'Licences issued when your items complete are kept in your archive and need not be handed in again.')}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      {list === null && !error && <Spin aria-label={t('正在加载', 'Loading')} />}
      {list?.length === 0 && (
        <Empty description={t('还没有签发的证照', 'No licences issued yet')}>
          <Link to="/applications">{t('查看我的办件', 'See my applications')}</Link>
        </Empty>
      )}
      {list && list.length > 0 && (
        <Card size="small">
          <List
            dataSource={list}
            renderItem={(l) => (
              <List.Item data-testid={`licence-${l.code}`}>
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  <Space wrap size={[8, 4]}>
                    <Typography.Text strong>{l.title}</Typography.Text>
                    <Pill tone={l.inLibrary ? 'good' : 'neutral'}>{l.inLibrary ? t('已入电子证照库', 'In the licence library') : t('个人档案存档', 'Kept in your archive')}</Pill>
                  </Space>
                  <Typography.Text>
                    {t('证照编号', 'Number')}：<span data-testid="licence-number">{l.licenceNumber}</span>
                  </Typography.Text>
                  <Typography.Text className="muted">
                    {t(`持证主体：${l.holderName} · 发证机关：${l.issuer}`, `Holder: ${l.holderName} · Issued by ${l.issuer}`)}
                  </Typography.Text>
                  <Typography.Text className="muted">
                    {t(`发证日期：${licenceDate(l.issuedOn, 'zh')} · 有效期至：${licenceDate(l.validUntil, 'zh')}`, `Issued ${licenceDate(l.issuedOn, 'en')} · valid until ${licenceDate(l.validUntil, 'en')}`)}
                  </Typography.Text>
                  <Space wrap>
                    <a href={`/api/me/licences/${l.id}/file`} download aria-label={`${t('下载 PDF：', 'Download PDF: ')}${l.title}`} data-testid="licence-download">
                      {t('下载 PDF', 'Download PDF')}
                    </a>
                    {l.applicationId && <Link to={`/applications/${l.applicationId}`}>{t('查看办件', 'View the application')}</Link>}
                  </Space>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
    </div>
  );
}
