import { useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, Badge, Card, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { beijingTime } from '../../../shared/beijing-time.js';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { ClockTag } from './Clock';
import { STAFF_STATUS } from './labels';
import type { Inbox as InboxData, InboxRow } from './types';

const FILTERS: { value: string; zh: string; en: string }[] = [
  { value: 'open', zh: '待办（待受理、办理中）', en: 'To do (to accept, in progress)' },
  { value: 'delivered', zh: '待受理', en: 'To accept' },
  { value: 'accepted', zh: '办理中', en: 'In progress' },
  { value: 'supplement', zh: '待补正', en: 'Awaiting supplement' },
  { value: 'completed', zh: '已办结', en: 'Completed' },
  { value: 'rejected', zh: '不予受理', en: 'Rejected' },
  { value: 'all', zh: '全部', en: 'All' },
];

/** One department's inbox: most urgent first, filtered by status, item and 超期. */
export default function Inbox() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const item = params.get('item') ?? undefined;
  const overdue = params.get('overdue') === 'true';
  const number = params.get('number') ?? undefined;
  const [data, setData] = useState<{ query: string; inbox: InboxData } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const query = new URLSearchParams({ status, ...(item ? { item } : {}), ...(overdue ? { overdue: 'true' } : {}), ...(number ? { number } : {}) }).toString();
  // Loading until the answer to the current filters has arrived.
  const loading = data?.query !== query && !error;
  const inbox = data?.inbox;

  useEffect(() => {
    api<InboxData>('GET', `/api/workbench/inbox?${query}`).then(
      (d) => {
        setData({ query, inbox: d });
        setError(null);
      },
      (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [query, t]);

  const update = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value === undefined) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };

  const columns = [
    {
      title: t('事项', 'Item'),
      key: 'item',
      render: (_: unknown, r: InboxRow) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/workbench/${r.id}`} data-testid={`open-${r.id}`}>
            {lang === 'en' ? r.itemTitleEn : r.itemTitle}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.applicationNumber ? t(`办件编号 ${r.applicationNumber} · `, `No. ${r.applicationNumber} · `) : ''}
            {t('版本', 'Version')} {r.version}
            {r.round > 1 ? t(` · 第 ${r.round} 次推送`, ` · round ${r.round}`) : ''}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('申请人', 'Applicant'),
      key: 'applicant',
      render: (_: unknown, r: InboxRow) => (
        <Space orientation="vertical" size={0} data-testid={`applicant-${r.id}`}>
          <span>{r.applicant.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[r.applicant.idNumber, r.applicant.mobile].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('状态', 'Status'),
      key: 'status',
      render: (_: unknown, r: InboxRow) => <Tag color={STAFF_STATUS[r.status].color}>{t(STAFF_STATUS[r.status].zh, STAFF_STATUS[r.status].en)}</Tag>,
    },
    { title: t('收件时间', 'Received'), key: 'received', render: (_: unknown, r: InboxRow) => beijingTime(r.receivedAt) },
    { title: t('办理时限', 'Time limit'), key: 'limit', render: (_: unknown, r: InboxRow) => t(`${r.timeLimitDays} 个工作日`, `${r.timeLimitDays} working days`) },
    { title: t('截止日期', 'Due'), key: 'due', render: (_: unknown, r: InboxRow) => r.dueDate ?? '—' },
    { title: t('时限状态', 'Clock'), key: 'clock', render: (_: unknown, r: InboxRow) => <ClockTag {...r} /> },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('部门工作台', 'Department workbench')}
        {user?.name ? <Typography.Text type="secondary" style={{ fontSize: 14, marginInlineStart: 12 }} lang="zh-CN">{user.name}</Typography.Text> : null}
      </Typography.Title>
      <Card size="small">
        <Space wrap size="middle">
          <label>
            {t('状态', 'Status')}{' '}
            <Select
              aria-label={t('按状态筛选', 'Filter by status')}
              data-testid="filter-status"
              value={status}
              style={{ minWidth: 200 }}
              options={FILTERS.map((f) => ({ value: f.value, label: t(f.zh, f.en) }))}
              onChange={(v: string) => update('status', v)}
            />
          </label>
          <label>
            {t('事项', 'Item')}{' '}
            <Select
              aria-label={t('按事项筛选', 'Filter by item')}
              data-testid="filter-item"
              allowClear
              placeholder={t('全部事项', 'All items')}
              value={item}
              style={{ minWidth: 200 }}
              options={(inbox?.items ?? []).map((i) => ({ value: i.id, label: lang === 'en' ? i.titleEn : i.title }))}
              onChange={(v: string | undefined) => update('item', v)}
            />
          </label>
          <Input.Search
            aria-label={t('按办件编号查找', 'Find by application number')}
            data-testid="filter-number"
            allowClear
            placeholder={t('办件编号或末几位', 'Application no. or its last digits')}
            defaultValue={number}
            inputMode="numeric"
            style={{ width: 240 }}
            onSearch={(v: string) => update('number', v.trim() || undefined)}
          />
          <label>
            <Badge count={inbox?.overdueCount ?? 0} size="small" offset={[8, -4]}>
              {t('只看超期（督办）', 'Overdue only')}
            </Badge>{' '}
            <Switch data-testid="filter-overdue" checked={overdue} onChange={(v) => update('overdue', v ? 'true' : undefined)} style={{ marginInlineStart: 12 }} />
          </label>
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('打开申请即查阅个人信息：每次打开都须选择查阅事由，查阅人、时间和事由记入审计日志。', 'Opening an application reads personal data: you choose a reason each time, and who, when and why is written to the audit log.')}
        </Typography.Paragraph>
      </Card>
      {error && <Alert type="error" title={error} showIcon />}
      <Table<InboxRow>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={inbox?.rows ?? []}
        onRow={(r) => ({ 'data-testid': `inbox-row-${r.id}` }) as HTMLAttributes<HTMLElement>}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('暂无事项', 'Nothing here') }}
      />
    </Space>
  );
}
