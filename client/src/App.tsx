import { lazy, Suspense } from 'react';
import { ConfigProvider, Result, Spin, App as AntApp } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { BrowserRouter, Route, Routes } from 'react-router';
import { I18nProvider, useI18n } from './i18n';
import { AuthProvider } from './auth';
import { ElderProvider, themeTokens, useElder } from './shell/elder';
import { Layout } from './shell/Layout';
import * as portal from './portal/routes';
import * as workbench from './workbench/routes';
import * as studio from './studio/routes';
import * as operator from './console/routes';
import * as stats from './stats/routes';
import * as messages from './messages/routes';
import * as counter from './counter/routes';

/** Every area of the client; each owns its routes and menu entries. */
const AREAS = [portal, messages, counter, workbench, studio, operator, stats];

// One chunk per area: a citizen never downloads the studio's editor.
const Login = lazy(() => import('./shell/Login'));

function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title="404" subTitle={t('页面不存在', 'Page not found')} />;
}

function Themed() {
  const { lang } = useI18n();
  const { elder } = useElder();
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={{ token: themeTokens(elder) }}>
      <AntApp>
        <BrowserRouter>
          <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
            <Routes>
              <Route element={<Layout nav={AREAS.flatMap((a) => a.nav)} />}>
                <Route path="login" element={<Login />} />
                {AREAS.flatMap((a) => a.routes())}
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <ElderProvider>
        <AuthProvider>
          <Themed />
        </AuthProvider>
      </ElderProvider>
    </I18nProvider>
  );
}

