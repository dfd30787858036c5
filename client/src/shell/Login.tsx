import { useEffect, useState } from 'react';
import { Alert, Button, Card, Divider, List, Tag, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api';
import { useAuth, type User } from '../auth';
import { useI18n } from '../i18n';
import { landingPage } from './nav';
import type { AuthMethods } from '../../../shared/contracts/auth.js';

const ROLE_LABELS: Record<User['role'], [string, string]> = {
  citizen: ['群众/企业', 'Citizen'],
  staff: ['部门工作人员', 'Department staff'],
  designer: ['场景设计员', 'Designer'],
  reviewer: ['场景审核员', 'Reviewer'],
  clerk: ['综合窗口受理员', 'Clerk'],
  admin: ['管理员', 'Administrator'],
};

/** Only a path on this site is gone back to after signing in (the server refuses anything else too). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/**
 * Sign-in: through the province's identity provider (统一身份认证) when configured, and in DEMO
 * mode by picking a demo identity.
 */
export default function Login() {
  const { login } = useAuth();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [methods, setMethods] = useState<AuthMethods | null>(null);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const next = safeNext(params.get('next'));

  useEffect(() => {
    api<AuthMethods>('GET', '/api/auth/methods')
      .then(async (m) => {
        setMethods(m);
        if (m.demo) setUsers(await api<User[]>('GET', '/api/auth/demo-users'));
        else if (!m.oidc) setError(t('未配置登录方式', 'No way of signing in is configured'));
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)));
  }, [t]);

  const choose = async (u: User) => {
    await login(u.id);
    navigate(landingPage(u.role, next));
  };

  const oidc = methods?.oidc;
  return (
    <Card
      title={<Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>{methods && !methods.demo ? t('登录', 'Sign in') : t('演示登录', 'Demo sign-in')}</Typography.Title>}
      style={{ maxWidth: 560, margin: '0 auto' }}
    >
      {error && <Alert type="error" title={error} showIcon />}
      {oidc && (
        <>
          {/* A full navigation, not fetch: the provider's pages take over until it redirects back. */}
          <Button type="primary" size="large" block href={`${oidc.loginPath}?returnTo=${encodeURIComponent(next)}`} data-testid="login-oidc">
            {t(`通过${oidc.label}登录`, `Sign in with ${oidc.label}`)}
          </Button>
          {methods?.demo && <Divider>{t('演示用户', 'Demo users')}</Divider>}
        </>
      )}
      {methods?.demo !== false && <List
        loading={users === null && !error}
        dataSource={users ?? []}
        renderItem={(u) => (
          <List.Item
            actions={[
              <Button key="go" type="primary" onClick={() => void choose(u)} data-testid={`login-${u.id}`}>
                {t('登录', 'Sign in')}
              </Button>,
            ]}
          >
            <List.Item.Meta title={<span lang="zh-CN">{u.name}</span>} description={<Tag>{t(...ROLE_LABELS[u.role])}</Tag>} />
          </List.Item>
        )}
      />}
    </Card>
  );
}
