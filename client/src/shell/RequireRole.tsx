import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Result, Spin } from 'antd';
import { useAuth, type Role } from '../auth';
import { useI18n } from '../i18n';

/** Pages behind a role: sign in first, and a wrong role sees a clear refusal, not a blank page. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user, ready } = useAuth();
  const { t } = useI18n();
  const location = useLocation();
  if (!ready) return <Spin />;
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!roles.includes(user.role)) return <Result status="403" title="403" subTitle={t('您的角色无权访问此页面', 'Your role may not open this page')} />;
  return <>{children}</>;
}
