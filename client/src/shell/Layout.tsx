import { Button, Dropdown, Layout as AntLayout, Menu, Space, Typography } from 'antd';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth';
import type { NavEntry } from './nav';
import { useI18n } from '../i18n';

export function Layout({ nav }: { nav: NavEntry[] }) {
  const { user, logout } = useAuth();
  const { t, lang, setLang } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const entries = nav.filter((n) => n.roles === 'all' || (user && n.roles.includes(user.role)));
  const selected = entries
    .map((e) => e.path)
    .filter((p) => (p === '/' ? location.pathname === '/' : location.pathname.startsWith(p)))
    .slice(-1);

  return (
    <AntLayout style={{ minHeight: '100vh' }}>
      <a href="#main" className="skip-link">
        {t('跳到主要内容', 'Skip to main content')}
      </a>
      <AntLayout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16, flexWrap: 'wrap', height: 'auto', minHeight: 64 }}>
        <Link to="/" style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: 20 }}>
            {t('一件事一次办', 'One matter, one visit')}
          </Typography.Title>
        </Link>
        <nav aria-label={t('主导航', 'Main navigation')} style={{ flex: 1, minWidth: 120 }}>
          <Menu
            theme="dark"
            mode="horizontal"
            selectedKeys={selected}
            items={entries.map((e) => ({ key: e.path, label: <Link to={e.path}>{t(e.zh, e.en)}</Link> }))}
            // Wrap on a phone instead of folding items into an overflow menu, whose hidden copies stay focusable (axe: aria-hidden-focus).
            disabledOverflow
            style={{ minWidth: 0, flexWrap: 'wrap' }}
          />
        </nav>
        <Space wrap>
          <Button size="small" autoInsertSpace={false} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label={t('EN 切换到英文', '中文 Switch to Chinese')}>
            {lang === 'zh' ? 'EN' : '中文'}
          </Button>
          {user ? (
            <Dropdown
              menu={{
                items: [{ key: 'logout', label: t('退出登录', 'Sign out') }],
                onClick: () => {
                  void logout().then(() => navigate('/'));
                },
              }}
            >
              <Button size="small" data-testid="user-menu">
                {user.name}
              </Button>
            </Dropdown>
          ) : (
            <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>
              <Button size="small" type="primary">
                {t('登录', 'Sign in')}
              </Button>
            </Link>
          )}
        </Space>
      </AntLayout.Header>
      <AntLayout.Content id="main" tabIndex={-1} style={{ padding: 16, maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        <Outlet />
      </AntLayout.Content>
      <AntLayout.Footer style={{ textAlign: 'center' }}>
        {t('一表申请 · 一次提交 · 多部门并联办理', 'One form · one submission · every department in parallel')}
      </AntLayout.Footer>
    </AntLayout>
  );
}
