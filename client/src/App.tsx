import { useEffect, useState } from 'react';
import { ConfigProvider, Layout, Typography, Tag } from 'antd';
import zhCN from 'antd/locale/zh_CN';

type Health = { status: string; db: string } | { status: 'unreachable' };

export function App() {
  const [health, setHealth] = useState<Health | null>(null);

  useEffect(() => {
    let cancelled = false;
    fetch('/api/health')
      .then((r) => r.json() as Promise<Health>)
      .catch((): Health => ({ status: 'unreachable' }))
      .then((h) => {
        if (!cancelled) setHealth(h);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <ConfigProvider locale={zhCN}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Header style={{ display: 'flex', alignItems: 'center' }}>
          <Typography.Title level={3} style={{ color: '#fff', margin: 0 }}>
            一件事一次办
          </Typography.Title>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Typography.Paragraph>一张表单，一次提交，多个部门并联办理。</Typography.Paragraph>
            <p>
              服务状态：
              {health === null ? (
                <Tag>检查中</Tag>
              ) : health.status === 'ok' ? (
                <Tag color="green" data-testid="health">正常</Tag>
              ) : (
                <Tag color="red" data-testid="health">不可用</Tag>
              )}
            </p>
          </main>
        </Layout.Content>
      </Layout>
    </ConfigProvider>
  );
}
