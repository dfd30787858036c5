import type { ReactNode } from 'react';
import { ConfigProvider } from 'antd';

/**
 * The statistics pages are read for their small print (definitions, captions, card titles):
 * antd's description grey (45% black) is below the WCAG AA contrast ratio, so it is darkened here.
 * Nested, so the app's theme and locale still apply.
 */
export function StatsTheme({ children }: { children: ReactNode }) {
  return <ConfigProvider theme={{ token: { colorTextDescription: '#595959', colorTextSecondary: '#595959' } }}>{children}</ConfigProvider>;
}
