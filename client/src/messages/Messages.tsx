import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Badge, Button, Card, Empty, List, Pagination, Space, Spin, Switch, Typography } from 'antd';
import { Link } from 'react-router';
import { ApiError, api } from '../api';
import { useI18n } from '../i18n';
import { beijingTime } from '../../../shared/beijing-time.js';
import type { Notification, NotificationSettings, NotificationsPage } from '../../../shared/contracts/notices.js';
import { announceUnread } from './unread';

const PAGE_SIZE = 10;

function useDocumentTitle(title: string): void {
  useEffect(() => {
    const before = document.title;
    document.title = title;
    return () => {
      document.title = before;
    };
  }, [title]);
}

/** /messages: the 消息中心. Every notice about the applicant's applications, newest first; opening one marks it read. */
export default function Messages() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<NotificationsPage | null>(null);
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(t('消息中心', 'Messages'));

  const shout = useCallback((e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)), [t]);

  useEffect(() => {
    api<NotificationsPage>('GET', `/api/me/notifications?page=${page}&pageSize=${PAGE_SIZE}`).then((p) => {
      setData(p);
      announceUnread(p.unread);
    }, shout);
  }, [page, shout]);
  useEffect(() => {
    api<NotificationSettings>('GET', '/api/me/notification-settings').then(setSettings, shout);
  }, [shout]);

  async function read(n: Notification): Promise<void> {
    if (n.read) return;
    try {
      const { unread } = await api<{ unread: number }>('POST', `/api/me/notifications/${n.id}/read`);
      setData((d) => (d ? { ...d, unread, rows: d.rows.map((r) => (r.id === n.id ? { ...r, read: true } : r)) } : d));
      announceUnread(unread);
    } catch (e) {
      shout(e);
    }
  }

  async function readAll(): Promise<void> {
    try {
      const { unread } = await api<{ unread: number }>('POST', '/api/me/notifications/read-all');
      setData((d) => (d ? { ...d, unread, rows: d.rows.map((r) => ({ ...r, read: true })) } : d));
      announceUnread(unread);
    } catch (e) {
      shout(e);
    }
  }

  async function toggleSms(sms: boolean): Promise<void> {
    try {
      setSettings(await api<NotificationSettings>('PUT', '/api/me/notification-settings', { sms }));
      message.success(sms ? t('已开启短信通知', 'SMS notices on') : t('已关闭短信通知，站内消息照常', 'SMS notices off; messages here continue'));
    } catch (e) {
      shout(e);
    }
  }

  return (
    <div className="portal">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 22, margin: 0 }}>
          {t('消息中心', 'Messages')}
        </Typography.Title>
        {data && (
          <Space wrap>
            <Typography.Text data-testid="messages-unread">{t(`未读 ${data.unread} 条`, `${data.unread} unread`)}</Typography.Text>
            <Button size="small" onClick={() => void readAll()} disabled={data.unread === 0} data-testid="messages-read-all">
              {t('全部标为已读', 'Mark all read')}
            </Button>
          </Space>
        )}
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      {settings && (
        <Card size="small" style={{ marginTop: 12 }}>
          <Space wrap>
            <Switch checked={settings.sms && settings.mobile !== null} disabled={settings.mobile === null} onChange={(v) => void toggleSms(v)} aria-label={t('短信通知', 'SMS notices')} data-testid="sms-switch" />
            <Typography.Text>
              {settings.mobile
                ? t(`短信通知发送至 ${settings.mobile}；站内消息始终保留。`, `SMS notices go to ${settings.mobile}; messages here are always kept.`)
                : t('账户中没有手机号码，只发送站内消息。', 'No mobile number on your account: messages here only.')}
            </Typography.Text>
          </Space>
        </Card>
      )}
      {data === null && !error && <Spin aria-label={t('正在加载', 'Loading')} />}
      {data?.total === 0 && <Empty description={t('还没有消息', 'No messages yet')} />}
      {data && data.rows.length > 0 && (
        <Card size="small" style={{ marginTop: 12 }}>
          <List
            dataSource={data.rows}
            renderItem={(n) => (
              <List.Item data-testid={`message-${n.id}`} data-read={n.read ? 'true' : 'false'} onClick={() => void read(n)} style={{ cursor: n.read ? 'default' : 'pointer' }}>
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  <Space wrap size={[8, 4]}>
                    {!n.read && <Badge status="processing" role="img" aria-label={t('未读', 'Unread')} />}
                    <Typography.Text strong={!n.read}>{t(n.title, n.titleEn)}</Typography.Text>
                    <Typography.Text className="muted">{beijingTime(n.createdAt)}</Typography.Text>
                  </Space>
                  <Typography.Paragraph style={{ margin: 0 }}>{t(n.body, n.bodyEn)}</Typography.Paragraph>
                  <Space wrap>
                    {!n.read && (
                      <Button size="small" type="link" style={{ padding: 0 }} onClick={(e) => { e.stopPropagation(); void read(n); }} data-testid={`read-${n.id}`}>
                        {t('标为已读', 'Mark read')}
                      </Button>
                    )}
                    {n.applicationId && (
                      <Link to={`/applications/${n.applicationId}`} onClick={() => void read(n)}>
                        {t('查看办件', 'Open the application')}
                      </Link>
                    )}
                  </Space>
                </Space>
              </List.Item>
            )}
          />
          {data.total > PAGE_SIZE && (
            <Pagination style={{ marginTop: 12 }} current={page} pageSize={PAGE_SIZE} total={data.total} onChange={setPage} showSizeChanger={false} />
          )}
        </Card>
      )}
    </div>
  );
}
