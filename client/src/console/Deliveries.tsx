import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Select, Space, Table, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { beijingTime } from '../../../shared/beijing-time.js';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { SUB_STATUSES, SUB_STATUS_LABELS, type SubStatus } from '../../../shared/lifecycle.js';
import type { Attempt, DeadDelivery } from './types';

const STATE_LABELS: Record<SubStatus, [string, string]> = {
  ...(Object.fromEntries(SUB_STATUSES.map((s) => [s, [SUB_STATUS_LABELS[s].zh, SUB_STATUS_LABELS[s].en]])) as Record<SubStatus, [string, string]>),
  // Operators see a delivery problem for what it is (the applicant's timeline hides it).
  dead: ['投递失败（已挂起）', 'Dead (parked)'],
  queued: ['待投递', 'Queued'],
};

type Names = Map<string, { zh: string; en: string }>;

/** Item and department names for the codes the delivery rows carry (newest published versions). */
function useNames(): { items: Names; departments: Names } {
  const [names, setNames] = useState<{ items: Names; departments: Names }>({ items: new Map(), departments: new Map() });
  useEffect(() => {
    api<{ items: { id: string; title: string; titleEn: string }[]; departments: { code: string; name: string; nameEn: string }[] }[]>('GET', '/api/bundles').then(
      (bundles) => {
        const items: Names = new Map();
        const departments: Names = new Map();
        for (const b of bundles) {
          for (const i of b.items) items.set(i.id, { zh: i.title, en: i.titleEn });
          for (const d of b.departments) departments.set(d.code, { zh: d.name, en: d.nameEn });
        }
        setNames({ items, departments });
      },
      // Without names the codes still identify every row.
      () => undefined,
    );
  }, []);
  return names;
}

/** Deliveries that ran out of attempts, every attempt with its error, and a retry button. */
export default function Deliveries() {
  const { t } = useI18n();
  const names = useNames();
  const named = (map: Names, code: string) => {
    const n = map.get(code);
    return n ? `${t(n.zh, n.en)}（${code}）` : code;
  };
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const raw = params.get('state');
  const state: SubStatus = (SUB_STATUSES as readonly string[]).includes(raw ?? '') ? (raw as SubStatus) : 'dead';
  const setState = (s: SubStatus) => {
    const next = new URLSearchParams(params);
    next.set('state', s);
    setParams(next, { replace: true });
  };
  const [rows, setRows] = useState<DeadDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  const load = useCallback(() => {
    api<DeadDelivery[]>('GET', `/api/admin/deliveries?state=${state}`).then(
      (r) => {
        setRows(r);
        setError(null);
      },
      (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [state, t]);
  useEffect(load, [load]);

  const retry = async (id: string) => {
    setRetrying(id);
    try {
      await api('POST', `/api/admin/deliveries/${id}/retry`);
      message.success(t('已重新排队投递', 'Queued for delivery again'));
      setRows((r) => (r ?? []).filter((x) => x.id !== id));
    } catch (e) {
      message.error(e instanceof ApiError ? t(e.message, e.messageEn) : String(e));
    } finally {
      setRetrying(null);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <label>
          {t('投递状态', 'State')}{' '}
          <Select<SubStatus>
            aria-label={t('投递状态', 'State')}
            data-testid="delivery-state"
            value={state}
            style={{ minWidth: 180 }}
            onChange={setState}
            options={SUB_STATUSES.map((s) => ({ value: s, label: t(...STATE_LABELS[s]) }))}
          />
        </label>
        <Button onClick={load} data-testid="deliveries-refresh">
          {t('刷新', 'Refresh')}
        </Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon />}
      <Table<DeadDelivery>
        rowKey="id"
        size="middle"
        loading={rows === null && !error}
        dataSource={rows ?? []}
        scroll={{ x: 800 }}
        onRow={(r) => ({ 'data-testid': `delivery-${r.id}` }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: state === 'dead' ? t('没有投递失败的事项', 'No dead deliveries') : t('暂无', 'None') }}
        expandable={{
          expandedRowRender: (r) => (
            <Table<Attempt>
              rowKey={(a) => `${a.round}-${a.attempt}-${a.startedAt}`}
              size="small"
              pagination={false}
              dataSource={r.history}
              columns={[
                { title: t('轮次', 'Round'), dataIndex: 'round' },
                { title: t('第几次', 'Attempt'), dataIndex: 'attempt' },
                { title: t('开始时间', 'Started'), key: 'at', render: (_: unknown, a) => beijingTime(a.startedAt, 'second') },
                { title: t('耗时', 'Duration'), key: 'ms', render: (_: unknown, a) => `${a.durationMs} ms` },
                { title: t('结果', 'Result'), key: 'ok', render: (_: unknown, a) => (a.ok ? <Tag color="green">{t('成功', 'OK')}</Tag> : <Tag color="red">{a.statusCode ?? t('失败', 'Failed')}</Tag>) },
                { title: t('错误', 'Error'), dataIndex: 'error', render: (e: string | null) => e ?? '—' },
              ]}
            />
          ),
        }}
        columns={[
          { title: t('事项', 'Item'), key: 'item', render: (_: unknown, r) => named(names.items, r.itemId) },
          { title: t('部门', 'Department'), key: 'department', render: (_: unknown, r) => named(names.departments, r.department) },
          { title: t('尝试次数', 'Attempts'), dataIndex: 'attempts' },
          { title: t('最后错误', 'Last error'), dataIndex: 'lastError', render: (e: string | null) => <Typography.Text type="danger">{e ?? '—'}</Typography.Text> },
          { title: t('更新时间', 'Updated'), key: 'updated', render: (_: unknown, r) => beijingTime(r.updatedAt, 'second') },
          {
            title: t('操作', 'Action'),
            key: 'action',
            render: (_: unknown, r) =>
              r.state === 'dead' ? (
                <Button size="small" type="primary" loading={retrying === r.id} onClick={() => void retry(r.id)} data-testid={`retry-${r.id}`}>
                  {t('重试', 'Retry')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
