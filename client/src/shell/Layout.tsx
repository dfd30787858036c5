import { useState } from 'react';
import { Badge, Button, Drawer, Dropdown, Grid, Layout as AntLayout, Menu, Space, Typography } from 'antd';
import { BellOutlined, MenuOutlined } from '@ant-design/icons';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth';
import type { NavEntry } from './nav';
import { useI18n } from '../i18n';
import { useElder } from './elder';
import { useUnread } from '../messages/unread';

export function Layout({ nav }: { nav: NavEntry[] }) {
  const { user, logout } = useAuth();
  const { t, lang, setLang } = useI18n();
  const { elder, setElder } = useElder();
  const location = useLocation();
  const navigate = useNavigate();
  // A phone gets one line of header and the rest behind a menu button: the full header took a quarter of a 375 px screen.
  const narrow = !Grid.useBreakpoint().md;
  const [drawer, setDrawer] = useState(false);
  const entries = nav.filter((n) => n.roles === 'all' || (user && n.roles.includes(user.role)));
  const selected = entries
    .map((e) => e.path)
    .filter((p) => (p === '/' ? location.pathname === '/' : location.pathname.startsWith(p)))
    .slice(-1);
  // 消息中心: the applicant's unread count, fetched again on each page.
  const unread = useUnread(user?.role === 'citizen', location.pathname);
  const items = entries.map((e) => ({ key: e.path, label: <Link to={e.path} onClick={() => setDrawer(false)}>{t(e.zh, e.en)}</Link> }));

  const controls = (
    <Space wrap>
      <Button size={narrow ? 'middle' : 'small'} autoInsertSpace={false} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label={t('EN 切换到英文', '中文 Switch to Chinese')}>
        {lang === 'zh' ? 'EN' : <span lang="zh-CN">中文</span>}
      </Button>
      <Button size={narrow ? 'middle' : 'small'} aria-pressed={elder} onClick={() => setElder(!elder)} data-testid="elder-toggle">
        {elder ? t('标准版', 'Standard view') : t('长辈版', 'Larger text')}
      </Button>
      {user?.role === 'citizen' && (
        <Link to="/messages" onClick={() => setDrawer(false)} data-unread={unread} data-testid="unread-link">
          <Badge count={unread} size="small" offset={[-2, 2]} color="#cf1322" data-testid="unread-badge">
            <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, padding: narrow ? '4px 12px' : '0 8px', lineHeight: narrow ? '22px' : '22px', borderRadius: 6, background: '#fff', color: 'rgba(0,0,0,0.88)', border: '1px solid #d9d9d9' }}>
              <BellOutlined aria-hidden />
              {t('消息', 'Messages')}
              {/* The count in words for screen readers; the badge shows the number. */}
              <span className="visually-hidden">{t(`（未读 ${unread} 条）`, ` (${unread} unread)`)}</span>
            </span>
          </Badge>
        </Link>
      )}
      {user ? (
        <Dropdown
          menu={{
            items: [{ key: 'logout', label: t('退出登录', 'Sign out') }],
            onClick: () => {
              void logout().then(() => navigate('/'));
            },
          }}
        >
          <Button size={narrow ? 'middle' : 'small'} data-testid="user-menu">
            <span lang="zh-CN">{user.name}</span>
          </Button>
        </Dropdown>
      ) : (
        <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} onClick={() => setDrawer(false)}>
          <Button size={narrow ? 'middle' : 'small'} type="primary">
            {t('登录', 'Sign in')}
          </Button>
        </Link>
      )}
    </Space>
  );

  return (
    <AntLayout style={{ minHeight: '100vh' }}>
      <a href="#main" className="skip-link">
        {t('跳到主要内容', 'Skip to main content')}
      </a>
      <AntLayout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16, flexWrap: narrow ? 'nowrap' : 'wrap', height: 'auto', minHeight: narrow ? 48 : 64, lineHeight: narrow ? '48px' : undefined }} data-testid="app-header">
        <Link to="/" style={{ color: '#fff', whiteSpace: 'nowrap', flex: narrow ? 1 : undefined }}>
          <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: narrow ? 18 : 20 }}>
            {t('一件事一次办', 'One matter, one visit')}
          </Typography.Title>
        </Link>
        {narrow ? (
          <Badge dot={unread > 0} offset={[-6, 10]} color="#cf1322">
            <Button type="text" icon={<MenuOutlined style={{ color: '#fff' }} />} aria-label={unread > 0 ? t(`打开菜单（${unread} 条未读消息）`, `Open the menu (${unread} unread messages)`) : t('打开菜单', 'Open the menu')} aria-expanded={drawer} onClick={() => setDrawer(true)} data-testid="nav-menu-button" />
          </Badge>
        ) : (
          <>
            <nav aria-label={t('主导航', 'Main navigation')} style={{ flex: 1, minWidth: 120 }}>
              <Menu
                theme="dark"
                mode="horizontal"
                selectedKeys={selected}
                items={items}
                // Wrap instead of folding items into an overflow menu, whose hidden copies stay focusable (axe: aria-hidden-focus).
                disabledOverflow
                style={{ minWidth: 0, flexWrap: 'wrap' }}
              />
            </nav>
            {controls}
          </>
        )}
      </AntLayout.Header>
      {narrow && (
        <Drawer open={drawer} onClose={() => setDrawer(false)} placement="right" size="default" title={t('菜单', 'Menu')} data-testid="nav-drawer">
          <nav aria-label={t('主导航', 'Main navigation')}>
            <Menu mode="vertical" selectedKeys={selected} items={items} style={{ borderInlineEnd: 'none' }} />
          </nav>
          <div style={{ marginTop: 16 }}>{controls}</div>
        </Drawer>
      )}
      <AntLayout.Content id="main" tabIndex={-1} style={{ padding: narrow ? 12 : 16, maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        <Outlet />
      </AntLayout.Content>
      <AntLayout.Footer style={{ textAlign: 'center' }}>
        {t('一表申请 · 一次提交 · 多部门并联办理', 'One form · one submission · every department in parallel')}
      </AntLayout.Footer>
    </AntLayout>
  );
}
