import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, Button, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { ConnectorCall, ConnectorHealthRow } from './types';

const BREAKER: Record<string, [string, string, string]> = {
  closed: ['正常', 'closed', 'green'],
  'half-open': ['试探中', 'half-open', 'orange'],
  open: ['熔断', 'open', 'red'],
};

const OUTCOME: Record<string, [string, string]> = {
  ok: ['成功', 'found'],
  not_found: ['未查到', 'not found'],
  error: ['失败', 'failed'],
  refused: ['被拒绝', 'refused'],
  open: ['熔断未调用', 'breaker open'],
};

/** Per connector (licence library, data exchange): health now, calls, success rate, latency; the newest calls. */
export default function Connectors() {
  const { t } = useI18n();
  const [days, setDays] = useState(7);
  const [rows, setRows] = useState<ConnectorHealthRow[] | null>(null);
  const [calls, setCalls] = useState<ConnectorCall[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    Promise.all([api<ConnectorHealthRow[]>('GET', `/api/admin/connectors?days=${days}`), api<ConnectorCall[]>('GET', '/api/admin/connector-calls')]).then(
      ([r, c]) => {
        setRows(r);
        setCalls(c);
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
      <Table<ConnectorHealthRow>
        rowKey="id"
        size="middle"
        pagination={false}
        loading={rows === null && !error}
        dataSource={rows ?? []}
        scroll={{ x: 900 }}
        onRow={(r) => ({ 'data-testid': `connector-${r.id}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('连接器', 'Connector'), key: 'id', render: (_: unknown, r) => <Tooltip title={r.serves.join(', ')}>{r.id}</Tooltip> },
          { title: t('类型', 'Type'), key: 'kind', render: (_: unknown, r) => <Tag>{r.kind === 'licence' ? t('电子证照库', 'Licence library') : t('数据共享交换', 'Data exchange')} · {r.type}</Tag> },
          {
            title: t('健康检查', 'Health'),
            key: 'health',
            render: (_: unknown, r) => (
              <Space size={4}>
                <Tag color={r.health.ok ? 'green' : 'red'} data-testid={`health-${r.id}`}>{r.health.ok ? t('可用', 'up') : t('不可用', 'down')}</Tag>
                {r.health.breaker && <Tag color={BREAKER[r.health.breaker]![2]}>{t(BREAKER[r.health.breaker]![0], BREAKER[r.health.breaker]![1])}</Tag>}
                {r.health.detail && <Typography.Text type="secondary" ellipsis style={{ maxWidth: 200 }}>{r.health.detail}</Typography.Text>}
              </Space>
            ),
          },
          { title: t('调用次数', 'Calls'), dataIndex: 'calls' },
          { title: t('成功率', 'Success rate'), key: 'rate', render: (_: unknown, r) => (r.successRate === null ? '—' : <span data-testid={`connector-rate-${r.id}`}>{Math.round(r.successRate * 1000) / 10}%</span>) },
          { title: t('平均耗时', 'Avg latency'), key: 'avg', render: (_: unknown, r) => (r.averageLatencyMs === null ? '—' : `${r.averageLatencyMs} ms`) },
          { title: 'P95', key: 'p95', render: (_: unknown, r) => (r.p95LatencyMs === null ? '—' : `${r.p95LatencyMs} ms`) },
          {
            title: t('最近错误', 'Last error'),
            key: 'error',
            render: (_: unknown, r) =>
              r.lastError ? (
                <Tooltip title={dayjs(r.lastError.at).format('YYYY-MM-DD HH:mm:ss')}>
                  <Typography.Text type="danger" ellipsis style={{ maxWidth: 220 }}>
                    {r.lastError.error ?? ''}
                  </Typography.Text>
                </Tooltip>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <Typography.Title level={3} style={{ fontSize: 16 }}>
        {t('最近调用（审计）', 'Newest calls (audit)')}
      </Typography.Title>
      <Table<ConnectorCall>
        rowKey={(r) => `${r.at}-${r.connector}-${r.subject}-${r.holder}-${r.operation}`}
        size="small"
        dataSource={calls}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('时间', 'Time'), key: 'at', render: (_: unknown, r) => dayjs(r.at).format('MM-DD HH:mm:ss') },
          { title: t('连接器', 'Connector'), dataIndex: 'connector' },
          { title: t('证照/部门', 'Licence / department'), key: 'subject', render: (_: unknown, r) => r.subject ?? '—' },
          { title: t('持证人', 'Whose'), key: 'holder', render: (_: unknown, r) => r.holder ?? '—' },
          { title: t('调用方', 'Who'), dataIndex: 'actor' },
          { title: t('用途', 'Purpose'), dataIndex: 'purpose' },
          { title: t('结果', 'Outcome'), key: 'outcome', render: (_: unknown, r) => t(...(OUTCOME[r.outcome] ?? [r.outcome, r.outcome])) },
          { title: t('耗时', 'Latency'), key: 'latency', render: (_: unknown, r) => `${r.latencyMs} ms` },
        ]}
      />
    </Space>
  );
}
