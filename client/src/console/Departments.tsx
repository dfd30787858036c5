import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, Button, Progress, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { beijingTime } from '../../../shared/beijing-time.js';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { since } from './format';
import type { DepartmentHealth } from './types';

/** Per department: delivery success rate, last error, queue depth, the oldest waiting item, and cases acknowledged but left unacted on. */
export default function Departments() {
  const { t, lang } = useI18n();
  const [days, setDays] = useState(7);
  const [rows, setRows] = useState<DepartmentHealth[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(() => {
    api<DepartmentHealth[]>('GET', `/api/admin/departments?days=${days}`).then(
      (r) => {
        setRows(r);
        setNow(Date.now());
        setError(null);
      },
      (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [days, t]);
  useEffect(load, [load]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <label>
          {t('统计区间', 'Window')}{' '}
          <Select<number>
            aria-label={t('统计区间', 'Window')}
            value={days}
            onChange={setDays}
            style={{ minWidth: 120 }}
            options={[1, 7, 30].map((d) => ({ value: d, label: t(`近 ${d} 天`, `last ${d} day${d === 1 ? '' : 's'}`) }))}
          />
        </label>
        <Button onClick={load}>{t('刷新', 'Refresh')}</Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon />}
      <Table<DepartmentHealth>
        rowKey="code"
        size="middle"
        pagination={false}
        loading={rows === null && !error}
        dataSource={rows ?? []}
        scroll={{ x: 900 }}
        onRow={(r) => ({ 'data-testid': `department-${r.code}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('部门', 'Department'), key: 'name', render: (_: unknown, r) => (lang === 'en' ? r.nameEn : r.name) },
          { title: t('渠道', 'Channel'), key: 'channel', render: (_: unknown, r) => (r.channel === 'inbox' ? <Tag>{t('网页收件箱', 'Web inbox')}</Tag> : <Tag color="blue">Webhook</Tag>) },
          {
            title: t('投递成功率', 'Success rate'),
            key: 'rate',
            render: (_: unknown, r) =>
              r.successRate === null ? (
                <Typography.Text type="secondary">{t('无投递', 'No attempts')}</Typography.Text>
              ) : (
                <Tooltip title={t(`${r.succeeded} / ${r.attempts} 次尝试成功`, `${r.succeeded} of ${r.attempts} attempts succeeded`)}>
                  <Space size={8}>
                    <Progress percent={Math.round(r.successRate * 1000) / 10} size="small" showInfo={false} aria-label={t('投递成功率', 'Delivery success rate')} status={r.successRate < 0.9 ? 'exception' : 'normal'} style={{ width: 80 }} />
                    <span data-testid={`rate-${r.code}`}>{Math.round(r.successRate * 1000) / 10}%</span>
                  </Space>
                </Tooltip>
              ),
          },
          {
            title: t('最近错误', 'Last error'),
            key: 'error',
            render: (_: unknown, r) =>
              r.lastError ? (
                <Tooltip title={beijingTime(r.lastError.at, 'second')}>
                  <Typography.Text type="danger" ellipsis style={{ maxWidth: 220 }}>
                    {r.lastError.statusCode ? `HTTP ${r.lastError.statusCode} ` : ''}
                    {r.lastError.error ?? ''}
                  </Typography.Text>
                </Tooltip>
              ) : (
                '—'
              ),
          },
          { title: t('待投递', 'Queued'), key: 'queue', render: (_: unknown, r) => <span data-testid={`queue-${r.code}`}>{r.queueDepth}</span> },
          { title: t('最久等待', 'Oldest waiting'), key: 'oldest', render: (_: unknown, r) => (r.oldestQueued ? <Tooltip title={r.oldestQueued.itemId}>{since(r.oldestQueued.since, now, t)}</Tooltip> : '—') },
          { title: t('投递失败', 'Dead'), key: 'dead', render: (_: unknown, r) => (r.dead ? <Tag color="red">{r.dead}</Tag> : 0) },
          { title: t('部门办理中', 'With the department'), dataIndex: 'open' },
          {
            title: t('已送达未处理', 'Acknowledged, not acted on'),
            key: 'stale',
            render: (_: unknown, r) =>
              r.stale.count ? (
                <Tooltip title={t(`送达后超过 ${r.stale.minutes} 分钟未受理、未退回；最早一件送达于 ${beijingTime(r.stale.oldest!.since)}`, `Acknowledged over ${r.stale.minutes} minutes ago and neither accepted nor refused; the oldest at ${beijingTime(r.stale.oldest!.since)}`)}>
                  <Tag color="orange" data-testid={`stale-${r.code}`}>
                    {t(`${r.stale.count} 件超过 ${r.stale.minutes} 分钟`, `${r.stale.count} over ${r.stale.minutes} min`)}
                  </Tag>
                </Tooltip>
              ) : (
                0
              ),
          },
        ]}
      />
    </Space>
  );
}
