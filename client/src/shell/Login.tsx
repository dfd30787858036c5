import { useEffect, useState } from 'react';
import { Alert, Button, Card, List, Tag, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api';
import { useAuth, type User } from '../auth';
import { useI18n } from '../i18n';
import { landingPage } from './nav';

const ROLE_LABELS: Record<User['role'], [string, string]> = {
  citizen: ['群众/企业', 'Citizen'],
  staff: ['部门工作人员', 'Department staff'],
  designer: ['场景设计员', 'Designer'],
  reviewer: ['场景审核员', 'Reviewer'],
  clerk: ['综合窗口受理员', 'Clerk'],
  admin: ['管理员', 'Administrator'],
};

/** DEMO sign-in: pick a demo identity. A real deployment signs in through its identity provider. */
export default function Login() {
  const { login } = useAuth();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<User[]>('GET', '/api/auth/demo-users')
      .then(setUsers)
      .catch((e: unknown) => setError(e instanceof ApiError && e.status === 404 ? t('演示登录未开启', 'Demo sign-in is not enabled') : String(e)));
  }, [t]);

  const choose = async (u: User) => {
    await login(u.id);
    navigate(landingPage(u.role, params.get('next')));
  };

  return (
    <Card title={<Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>{t('演示登录', 'Demo sign-in')}</Typography.Title>} style={{ maxWidth: 560, margin: '0 auto' }}>
      {error && <Alert type="error" title={error} showIcon />}
      <List
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
            <List.Item.Meta title={u.name} description={<Tag>{t(...ROLE_LABELS[u.role])}</Tag>} />
          </List.Item>
        )}
      />
    </Card>
  );
}
