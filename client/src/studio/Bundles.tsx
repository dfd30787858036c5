import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Input, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { beijingTime } from '../../../shared/beijing-time.js';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { formatTime } from '../portal/labels';
import { AUDIENCE_GROUPS, GROUP_TITLES, groupOf, matchesTexts, type AudienceGroup } from '../components/bundle-search';
import type { Proposal, StudioBundle, StudioItem, StudioVersion } from './types';

type Filter = AudienceGroup | 'all';

/** Every bundle, its published versions (with the applications filed under each) and its items. */
export default function Bundles() {
  const { t, lang } = useI18n();
  const [bundles, setBundles] = useState<StudioBundle[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [proposals, setProposals] = useState<Proposal[]>([]);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const shown = (bundles ?? []).filter((b) => (filter === 'all' || groupOf(b) === filter) && findable(b, query, lang));

  useEffect(() => {
    api<StudioBundle[]>('GET', '/api/studio/bundles').then(setBundles, (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)));
    api<Proposal[]>('GET', '/api/studio/proposals').then(setProposals, (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)));
  }, [t]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('场景设计', 'Designer studio')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('每个一件事的已发布版本不可修改；编辑后发布为新版本，新申请使用最新版本，已提交的申请保留其版本。', 'Published versions are immutable: edit and publish a new version. New applications use the newest; filed ones keep theirs.')}
      </Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon />}
      {bundles === null && !error && <Card loading />}
      {proposals.length > 0 && <ProposalTable proposals={proposals} t={t} lang={lang} />}
      {bundles !== null && (
        <Space wrap role="search">
          <Input
            allowClear
            prefix={<SearchOutlined aria-hidden />}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setQuery('');
            }}
            style={{ width: 320 }}
            placeholder={t('按名称、事项、部门或拼音首字母查找', 'Find by title, item or department')}
            aria-label={t('查找一件事', 'Find a bundle')}
            data-testid="studio-search"
          />
          <Segmented<Filter>
            value={filter}
            onChange={setFilter}
            aria-label={t('按服务对象筛选', 'Filter by who applies')}
            data-testid="studio-audience"
            options={[
              { value: 'all', label: t('全部', 'All') },
              ...AUDIENCE_GROUPS.filter((g) => bundles.some((b) => groupOf(b) === g)).map((g) => ({ value: g, label: t(GROUP_TITLES[g].zh, GROUP_TITLES[g].en) })),
            ]}
          />
          <Typography.Text type="secondary" aria-live="polite" data-testid="studio-count">
            {t(`${shown.length} / ${bundles.length} 件事`, `${shown.length} of ${bundles.length}`)}
          </Typography.Text>
        </Space>
      )}
      {bundles !== null && shown.length === 0 && <Alert type="info" showIcon data-testid="studio-empty" title={t(`没有与“${query.trim()}”相符的一件事`, `No bundle matches "${query.trim()}"`)} />}
      {AUDIENCE_GROUPS.map((g) => {
        const list = shown.filter((b) => groupOf(b) === g);
        if (!list.length) return null;
        return (
          <section key={g} aria-labelledby={`studio-group-${g}`} data-testid={`studio-group-${g}`}>
            <Typography.Title level={3} id={`studio-group-${g}`} style={{ fontSize: 18 }}>
              {t(`${GROUP_TITLES[g].zh}（${list.length}）`, `${GROUP_TITLES[g].en} (${list.length})`)}
            </Typography.Title>
            <Row gutter={[16, 16]}>
              {list.map((b) => (
                <Col key={b.id} xs={24}>
                  <BundleCard bundle={b} lang={lang} t={t} />
                </Col>
              ))}
            </Row>
          </section>
        );
      })}
    </Space>
  );
}

/** What finding a bundle looks in: its title and its current version's items and departments. */
function findable(b: StudioBundle, query: string, lang: 'zh' | 'en'): boolean {
  const current = b.versions.find((v) => v.version === b.current) ?? b.versions[b.versions.length - 1];
  const items = current?.items ?? [];
  const zh = [b.title, ...items.map((i) => i.title), ...items.map((i) => i.departmentName ?? '')];
  const en = lang === 'en' ? [b.titleEn, ...items.map((i) => i.titleEn), ...items.map((i) => i.departmentNameEn ?? '')] : [];
  return matchesTexts(zh, en, query);
}

function BundleCard({ bundle, lang, t }: { bundle: StudioBundle; lang: 'zh' | 'en'; t: (zh: string, en: string) => string }) {
  const [selected, setSelected] = useState(bundle.current);
  const index = bundle.versions.findIndex((v) => v.version === selected);
  const version = bundle.versions[index];
  const previous = index > 0 ? bundle.versions[index - 1] : undefined;
  const changed = (item: StudioItem) => {
    if (!previous) return false;
    const before = previous.items.find((i) => i.id === item.id);
    return !before || before.hash !== item.hash;
  };
  return (
    <Card
      data-testid={`studio-bundle-${bundle.id}`}
      title={
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0, fontSize: 18 }}>
            {lang === 'en' ? bundle.titleEn : bundle.title}
          </Typography.Title>
          <Tag color="blue">{t(`当前版本 ${bundle.current}`, `current ${bundle.current}`)}</Tag>
        </Space>
      }
      extra={
        <Link to={`/studio/${bundle.id}?base=${encodeURIComponent(bundle.current)}`} data-testid={`edit-${bundle.id}`}>
          <Button type="primary">{t('编辑', 'Edit')}</Button>
        </Link>
      }
    >
      <Table<StudioVersion>
        rowKey="version"
        size="small"
        pagination={false}
        dataSource={[...bundle.versions].reverse()}
        scroll={{ x: 600 }}
        onRow={(v) => ({ onClick: () => setSelected(v.version), style: { cursor: 'pointer', background: v.version === selected ? '#e6f4ff' : undefined } })}
        columns={[
          { title: t('版本', 'Version'), key: 'version', render: (_: unknown, v) => <span data-testid={`version-${bundle.id}-${v.version}`}>{v.version}</span> },
          { title: t('发布时间', 'Published'), key: 'at', render: (_: unknown, v) => beijingTime(v.publishedAt) },
          { title: t('发布人', 'By'), key: 'by', render: (_: unknown, v) => <span data-testid={`publisher-${bundle.id}-${v.version}`}>{v.publishedBy ? (v.publishedByName ?? t('已停用的用户', 'a former user')) : t('场景文件', 'scenario files')}</span> },
          { title: t('已提交申请', 'Filed'), key: 'apps', render: (_: unknown, v) => <span data-testid={`filed-${bundle.id}-${v.version}`}>{v.applications}</span> },
          { title: t('草稿', 'Drafts'), dataIndex: 'drafts' },
          {
            title: '',
            key: 'edit',
            render: (_: unknown, v) =>
              v.version === bundle.current ? null : (
                <Link to={`/studio/${bundle.id}?base=${encodeURIComponent(v.version)}`} onClick={(e) => e.stopPropagation()}>
                  {t('以此版本为基础编辑', 'Edit from this version')}
                </Link>
              ),
          },
        ]}
      />
      {version && (
        <>
          <Space style={{ marginTop: 16 }} wrap>
            <Typography.Text strong>{t('事项', 'Items')}</Typography.Text>
            <Select
              size="small"
              value={selected}
              onChange={setSelected}
              aria-label={t('查看版本', 'Version shown')}
              options={bundle.versions.map((v) => ({ value: v.version, label: v.version }))}
            />
          </Space>
          <Table<StudioItem>
            rowKey="id"
            size="small"
            pagination={false}
            style={{ marginTop: 8 }}
            dataSource={version.items}
            scroll={{ x: 600 }}
            columns={[
              { title: t('事项', 'Item'), key: 'title', render: (_: unknown, i) => (lang === 'en' ? i.titleEn : i.title) },
              { title: t('部门', 'Department'), key: 'department', render: (_: unknown, i) => (lang === 'en' ? i.departmentNameEn : i.departmentName) },
              { title: t('时限（工作日）', 'Limit (working days)'), dataIndex: 'timeLimitDays' },
              { title: t('可选', 'Optional'), key: 'optional', render: (_: unknown, i) => (i.optional ? t('是', 'yes') : '') },
              { title: t('文件', 'File'), key: 'file', render: (_: unknown, i) => <Typography.Text code>{i.file}</Typography.Text> },
              { title: t('本版本', 'This version'), key: 'changed', render: (_: unknown, i) => (changed(i) ? <Tag color="orange">{t('有修改', 'changed')}</Tag> : null) },
            ]}
          />
        </>
      )}
    </Card>
  );
}

const DECISION = { pending: ['待审核', 'Pending', 'gold'], approved: ['已批准发布', 'Approved', 'green'], rejected: ['已驳回', 'Rejected', 'red'] } as const;

/** Versions submitted for review (四眼原则) and what became of them, a rejection with its reason. */
function ProposalTable({ proposals, lang, t }: { proposals: Proposal[]; lang: 'zh' | 'en'; t: (zh: string, en: string) => string }) {
  return (
    <Card title={t('发布申请', 'Proposals')} size="small">
      <Table<Proposal>
        rowKey="id"
        size="small"
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        dataSource={proposals}
        scroll={{ x: 600 }}
        columns={[
          { title: t('一件事', 'Bundle'), key: 'bundle', render: (_: unknown, p) => `${p.bundleTitle} ${p.version}` },
          { title: t('状态', 'Status'), key: 'status', render: (_: unknown, p) => <Tag color={DECISION[p.status][2]} data-testid={`proposal-status-${p.version}`}>{t(DECISION[p.status][0], DECISION[p.status][1])}</Tag> },
          { title: t('提交人', 'By'), dataIndex: 'authorName' },
          { title: t('提交时间', 'Proposed'), key: 'at', render: (_: unknown, p) => formatTime(p.createdAt, lang) },
          { title: t('审核人', 'Reviewer'), key: 'reviewer', render: (_: unknown, p) => p.decidedByName ?? '—' },
          { title: t('驳回理由', 'Reason'), key: 'reason', render: (_: unknown, p) => p.reason ?? '—' },
        ]}
      />
    </Card>
  );
}
