import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Col, Input, Row, Segmented, Spin, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useDocumentTitle } from './labels';
import BundleCard from './BundleCard';
import { AUDIENCE_GROUPS, GROUP_TITLES, groupBundles, groupOf, type AudienceGroup } from '../components/bundle-search';
import type { BundleSummary } from './types';

type Filter = AudienceGroup | 'all';

/**
 * The life events, grouped by who applies (个人办事 / 企业办事, 其他 for a bundle that does not
 * say), with a search over titles, items and departments (pinyin initials too) and a filter by
 * group: a province ships fifteen and more.
 */
export default function Home() {
  const { t, lang } = useI18n();
  const [bundles, setBundles] = useState<BundleSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  useDocumentTitle(t('一件事一次办', 'One matter, one visit'));

  useEffect(() => {
    api<BundleSummary[]>('GET', '/api/bundles').then(setBundles, (e: unknown) => setError(String(e)));
  }, []);

  const found = useMemo(() => groupBundles(bundles ?? [], query, lang), [bundles, query, lang]);
  const counts = new Map(found.map((g) => [g.group, g.bundles.length]));
  const total = found.reduce((n, g) => n + g.bundles.length, 0);
  const shown = filter === 'all' ? found : found.filter((g) => g.group === filter);
  const shownTotal = shown.reduce((n, g) => n + g.bundles.length, 0);
  // The filter offers only the groups the catalogue has: 其他 appears only when some bundle does not say.
  const present = AUDIENCE_GROUPS.filter((g) => (bundles ?? []).some((b) => groupOf(b) === g));
  const trimmed = query.trim();

  return (
    <div className="portal">
      <Typography.Title level={2}>{t('选择您要办理的一件事', 'Choose your life event')}</Typography.Title>
      <Typography.Paragraph className="muted">
        {t('一张表单、一次提交，多个部门并联办理；共同信息只填一次，政府已有的材料不用再交。', 'One form, one submission, every department at once: shared facts asked once, documents the government holds never asked for.')}
      </Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon />}
      {bundles === null && !error && <Spin aria-label={t('正在加载', 'Loading')} />}
      {bundles !== null && (
        <div className="bundle-finder" role="search">
          <Input
            size="large"
            allowClear
            prefix={<SearchOutlined aria-hidden />}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setQuery('');
            }}
            placeholder={t('搜索一件事、事项或部门，如“出生”“社保”“xsecs”', 'Search life events, services or departments')}
            aria-label={t('搜索一件事（名称、事项、部门或拼音首字母）', 'Search life events (title, service or department)')}
            data-testid="bundle-search"
            className="bundle-search"
          />
          {present.length > 1 && (
            <Segmented<Filter>
              value={filter}
              onChange={setFilter}
              data-testid="audience-filter"
              aria-label={t('按服务对象筛选', 'Filter by who applies')}
              options={[
                { value: 'all', label: t(`全部 ${total}`, `All ${total}`) },
                ...present.map((g) => ({ value: g, label: `${t(GROUP_TITLES[g].zh, GROUP_TITLES[g].en)} ${counts.get(g) ?? 0}` })),
              ]}
            />
          )}
        </div>
      )}
      {bundles !== null && (
        <p className="muted" aria-live="polite" data-testid="bundle-count">
          {trimmed
            ? t(`找到 ${shownTotal} 件与“${trimmed}”相关的事`, `${shownTotal} found for "${trimmed}"`)
            : t(`共 ${shownTotal} 件事`, `${shownTotal} life events`)}
        </p>
      )}
      {bundles !== null && shownTotal === 0 && (
        <Alert
          type="info"
          showIcon
          data-testid="bundle-empty"
          title={trimmed ? t(`没有找到与“${trimmed}”相关的一件事`, `No life event matches "${trimmed}"`) : t('这一类暂无可办理的一件事', 'Nothing to apply for in this group yet')}
          description={t('可以换个说法，或搜索事项名称、部门名称（如“公安”“医保”）。', 'Try other words, or the name of a service or a department.')}
          action={
            <Button
              onClick={() => {
                setQuery('');
                setFilter('all');
              }}
              data-testid="bundle-search-clear"
            >
              {t('显示全部', 'Show all')}
            </Button>
          }
        />
      )}
      {shown.map(({ group, bundles: list }) => (
        <section key={group} aria-labelledby={`group-${group}`} className="bundle-group" data-testid={`group-${group}`}>
          <Typography.Title level={3} id={`group-${group}`} className="bundle-group-title">
            {t(GROUP_TITLES[group].zh, GROUP_TITLES[group].en)}
            <span className="muted bundle-group-count">{t(`${list.length} 件`, ` · ${list.length}`)}</span>
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {list.map((b) => (
              <Col key={b.id} xs={24} md={12}>
                <BundleCard b={b} />
              </Col>
            ))}
          </Row>
        </section>
      ))}
    </div>
  );
}
