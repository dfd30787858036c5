import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { DepartmentHealth, GrantBody, Identity, RoleGrant } from './types';

const ROLE_LABELS: Record<Identity['role'], [string, string]> = {
  citizen: ['群众/企业', 'Citizen'],
  staff: ['部门工作人员', 'Department staff'],
  designer: ['场景设计员', 'Designer'],
  reviewer: ['场景审核员', 'Reviewer'],
  clerk: ['综合窗口受理员', 'Clerk'],
  admin: ['管理员', 'Administrator'],
};
const GRANTABLE = ['staff', 'designer', 'reviewer', 'clerk', 'admin'] as const;

/**
 * Roles granted by an administrator: find a person who has signed in (by name or a whole
 * identifier), grant them a role (staff with their department), take it back. Each change is in
 * the audit log and holds from the person's next request.
 */
export default function RoleGrants() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [people, setPeople] = useState<Identity[] | null>(null);
  const [grants, setGrants] = useState<RoleGrant[] | null>(null);
  const [departments, setDepartments] = useState<DepartmentHealth[]>([]);
  const [choice, setChoice] = useState<Record<string, { role?: GrantBody['role']; department?: string }>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const fail = useCallback((e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)), [t]);

  const load = useCallback(() => {
    api<Identity[]>('GET', `/api/admin/identities${q ? `?q=${encodeURIComponent(q)}` : ''}`).then(setPeople, fail);
    api<RoleGrant[]>('GET', '/api/admin/role-grants').then(setGrants, fail);
  }, [q, fail]);
  useEffect(load, [load]);
  useEffect(() => {
    api<DepartmentHealth[]>('GET', '/api/admin/departments').then(setDepartments, fail);
  }, [fail]);

  const grant = async (p: Identity) => {
    const c = choice[p.id] ?? {};
    if (!c.role) return;
    setError(null);
    try {
      await api<RoleGrant>('POST', '/api/admin/role-grants', { userId: p.id, role: c.role, ...(c.role === 'staff' && c.department ? { department: c.department } : {}) });
      setDone(t(`已授予 ${p.name}：${ROLE_LABELS[c.role][0]}`, `Granted ${p.name}: ${ROLE_LABELS[c.role][1]}`));
      load();
    } catch (e) {
      fail(e);
    }
  };
  const revoke = async (g: RoleGrant) => {
    setError(null);
    try {
      await api('DELETE', `/api/admin/role-grants/${encodeURIComponent(g.userId)}`);
      setDone(t(`已收回 ${g.name} 的角色`, `Revoked the role of ${g.name}`));
      load();
    } catch (e) {
      fail(e);
    }
  };
  const roleTag = (role: Identity['role'], department: string | null) => (
    <Tag>
      {t(...ROLE_LABELS[role])}
      {department ? ` · ${((d) => (d ? t(d.name, d.nameEn) : department))(departments.find((d) => d.code === department))}` : ''}
    </Tag>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">
        {t(
          '统一身份认证只证明“是谁”；除群众外的角色都由管理员在此授予，授予和收回均记入审计日志，并从该用户的下一次请求起生效。',
          'The identity provider says who someone is; every role beyond citizen is granted here by an administrator. Grants and revocations are audited and hold from the person’s next request.',
        )}
      </Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon closable onClose={() => setError(null)} />}
      {done && <Alert type="success" title={done} showIcon closable onClose={() => setDone(null)} />}
      <Typography.Title level={3} style={{ fontSize: 16 }}>{t('已授予的角色', 'Granted roles')}</Typography.Title>
      <Table<RoleGrant>
        rowKey="userId"
        size="middle"
        pagination={false}
        loading={grants === null && !error}
        dataSource={grants ?? []}
        columns={[
          { title: t('姓名', 'Name'), dataIndex: 'name' },
          { title: t('角色', 'Role'), key: 'role', render: (_: unknown, g) => roleTag(g.role, g.department) },
          { title: t('授予人', 'Granted by'), key: 'by', render: (_: unknown, g) => g.grantedByName ?? g.grantedBy },
          { title: t('授予时间', 'Granted at'), key: 'at', render: (_: unknown, g) => dayjs(g.grantedAt).format('YYYY-MM-DD HH:mm') },
          {
            title: '',
            key: 'revoke',
            render: (_: unknown, g) => (
              <Popconfirm title={t(`收回 ${g.name} 的角色？`, `Revoke the role of ${g.name}?`)} onConfirm={() => void revoke(g)}>
                <Button danger size="small" data-testid={`revoke-${g.userId}`}>
                  {t('收回', 'Revoke')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Typography.Title level={3} style={{ fontSize: 16 }}>{t('授予角色', 'Grant a role')}</Typography.Title>
      <Input.Search
        allowClear
        aria-label={t('查找用户', 'Find a person')}
        placeholder={t('姓名，或完整的身份证号、手机号', 'Name, or a whole ID or mobile number')}
        onSearch={(v) => setQ(v.trim())}
        style={{ maxWidth: 420 }}
      />
      <Table<Identity>
        rowKey="id"
        size="middle"
        pagination={false}
        loading={people === null && !error}
        dataSource={people ?? []}
        scroll={{ x: 900 }}
        columns={[
          { title: t('姓名', 'Name'), dataIndex: 'name' },
          { title: t('身份证号', 'ID number'), key: 'idNumber', render: (_: unknown, p) => p.idNumber ?? '—' },
          { title: t('来源', 'Source'), key: 'source', render: (_: unknown, p) => (p.source === 'oidc' ? t('统一身份认证', 'Identity provider') : t('演示用户', 'Demo user')) },
          { title: t('当前角色', 'Current role'), key: 'role', render: (_: unknown, p) => roleTag(p.role, p.department) },
          {
            title: t('授予', 'Grant'),
            key: 'grant',
            render: (_: unknown, p) => {
              const c = choice[p.id] ?? {};
              return (
                <Space wrap>
                  <Select<GrantBody['role']>
                    aria-label={t('角色', 'Role')}
                    placeholder={t('角色', 'Role')}
                    style={{ minWidth: 150 }}
                    value={c.role}
                    onChange={(role) => setChoice({ ...choice, [p.id]: { ...c, role } })}
                    options={GRANTABLE.map((r) => ({ value: r, label: t(...ROLE_LABELS[r]) }))}
                  />
                  {c.role === 'staff' && (
                    <Select<string>
                      aria-label={t('部门', 'Department')}
                      placeholder={t('部门', 'Department')}
                      style={{ minWidth: 160 }}
                      value={c.department}
                      onChange={(department) => setChoice({ ...choice, [p.id]: { ...c, department } })}
                      options={departments.map((d) => ({ value: d.code, label: d.name }))}
                    />
                  )}
                  <Button type="primary" disabled={!c.role || (c.role === 'staff' && !c.department)} onClick={() => void grant(p)} data-testid={`grant-${p.id}`}>
                    {t('授予', 'Grant')}
                  </Button>
                </Space>
              );
            },
          },
        ]}
      />
    </Space>
  );
}
