import { useEffect, useState } from 'react';
import { Alert, DatePicker, Input, Select, Space, Table, Tag } from 'antd';
import { beijingDayStart, beijingTime, nextDay } from '../../../shared/beijing-time.js';
import type { Dayjs } from 'dayjs';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { AuditPage, AuditRow } from './types';

const ACTIONS: Record<string, [string, string]> = {
  'read-sub-application': ['查阅申请', 'Read an application'],
  'download-material': ['下载材料', 'Downloaded a material'],
  'studio.propose': ['提交发布审核', 'Proposed a version'],
  'studio.approve': ['批准发布', 'Approved a version'],
  'studio.reject': ['驳回发布', 'Rejected a version'],
  'counter.file': ['综合窗口代为申请', 'Filed at the counter for an applicant'],
  'counter.power-of-attorney': ['上传企业委托书', "Uploaded a company's power of attorney"],
  'counter.presented': ['窗口查询出示的办件', 'Read an application presented at the counter'],
};

const ROLES: Record<string, [string, string]> = {
  citizen: ['群众', 'Citizen'],
  staff: ['部门工作人员', 'Staff'],
  designer: ['场景设计员', 'Designer'],
  reviewer: ['场景审核员', 'Reviewer'],
  clerk: ['综合窗口', 'Clerk'],
  admin: ['管理员', 'Administrator'],
  system: ['部门系统', 'Department system'],
};

/** What an entry recorded, in words: the way in (工作台 or 部门接口) and a proposal's bundle and version. */
function detailText(r: AuditRow, t: (zh: string, en: string) => string): string {
  const d = r.details !== null && typeof r.details === 'object' ? (r.details as Record<string, unknown>) : {};
  const parts: string[] = [];
  if (typeof d.route === 'string') parts.push(d.route.includes('/workbench/') ? t('经部门工作台', 'through the workbench') : t('经部门接口', 'through the department API'));
  if (r.materialTitle) parts.push(t(`材料：${r.materialTitle}`, `material: ${r.materialTitle}`));
  if (typeof d.bundleId === 'string' && typeof d.version === 'string') parts.push(t(`${d.bundleId} 版本 ${d.version}`, `${d.bundleId} version ${d.version}`));
  if (typeof d.risk === 'string') parts.push(t(`风险：${({ high: '高', medium: '中', low: '低' } as Record<string, string>)[d.risk] ?? d.risk}`, `risk: ${d.risk}`));
  return parts.join('；');
}

/** Who read which personal data, when and why: newest first, paged on the server. */
export default function AuditLog() {
  const { t } = useI18n();
  const [actor, setActor] = useState('');
  const [subject, setSubject] = useState('');
  const [action, setAction] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<AuditPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
    if (actor.trim()) q.set('actor', actor.trim());
    if (subject.trim()) q.set('subject', subject.trim());
    if (action) q.set('action', action);
    // The picked days are Beijing days, whatever the zone of this browser.
    if (range?.[0]) q.set('from', beijingDayStart(range[0].format('YYYY-MM-DD')));
    if (range?.[1]) q.set('to', beijingDayStart(nextDay(range[1].format('YYYY-MM-DD'))));
    api<AuditPage>('GET', `/api/admin/audit?${q}`).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [actor, subject, action, range, page, pageSize, t]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search aria-label={t('查阅人', 'Actor')} placeholder={t('查阅人（用户编号）', 'Actor (user id)')} allowClear onSearch={(v) => { setActor(v); setPage(1); }} style={{ width: 200 }} data-testid="audit-actor" />
        <Input.Search aria-label={t('事项编号', 'Subject')} placeholder={t('子申请编号', 'Sub-application id')} allowClear onSearch={(v) => { setSubject(v); setPage(1); }} style={{ width: 300 }} />
        <Select
          aria-label={t('操作', 'Action')}
          allowClear
          placeholder={t('全部操作', 'All actions')}
          value={action}
          onChange={(v: string | undefined) => { setAction(v); setPage(1); }}
          style={{ minWidth: 140 }}
          options={Object.entries(ACTIONS).map(([value, l]) => ({ value, label: t(...l) }))}
        />
        <DatePicker.RangePicker aria-label={t('时间范围', 'Time range')} value={range} onChange={(v) => { setRange(v); setPage(1); }} />
      </Space>
      {error && <Alert type="error" title={error} showIcon />}
      <Table<AuditRow>
        rowKey="id"
        size="small"
        loading={data === null && !error}
        dataSource={data?.rows ?? []}
        scroll={{ x: 900 }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t(`共 ${n} 条`, `${n} entries`),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          { title: t('时间', 'When'), key: 'at', render: (_: unknown, r) => beijingTime(r.at, 'second') },
          { title: t('查阅人', 'Who'), key: 'actor', render: (_: unknown, r) => <span data-testid="audit-row-actor">{t(r.actorName.zh, r.actorName.en)} <Tag>{t(...(ROLES[r.actorRole] ?? [r.actorRole, r.actorRole]))}</Tag></span> },
          { title: t('操作', 'What'), key: 'action', render: (_: unknown, r) => t(...(ACTIONS[r.action] ?? [r.action, r.action])) },
          { title: t('对象', 'Subject'), key: 'subject', render: (_: unknown, r) => <span data-testid="audit-subject">{r.itemTitle ?? (r.subject.startsWith('proposal:') ? t('发布提案', 'A publishing proposal') : '—')} {r.departmentName ? <Tag>{t(r.departmentName.zh, r.departmentName.en)}</Tag> : null}</span> },
          { title: t('事由', 'Why'), key: 'reason', render: (_: unknown, r) => r.reason ?? <Tag color="warning">{t('未说明', 'not given')}</Tag> },
          { title: t('详情', 'Details'), key: 'details', render: (_: unknown, r) => detailText(r, t) },
        ]}
      />
    </Space>
  );
}
