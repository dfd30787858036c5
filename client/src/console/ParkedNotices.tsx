import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Space, Table, Typography } from 'antd';
import { beijingTime } from '../../../shared/beijing-time.js';
import { noticeTitle, type NoticeEvent } from '../../../shared/notice-templates.js';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { ParkedNotice } from '../../../shared/contracts/notices.js';

/** Notices to applicants (SMS) that ran out of attempts: what they say, to whom (masked), the last error, and a retry. */
export default function ParkedNotices() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [rows, setRows] = useState<ParkedNotice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  const load = useCallback(() => {
    api<ParkedNotice[]>('GET', '/api/admin/notices?state=dead').then(
      (r) => {
        setRows(r);
        setError(null);
      },
      (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [t]);
  useEffect(load, [load]);

  const retry = async (id: string) => {
    setRetrying(id);
    try {
      await api('POST', `/api/admin/notices/${id}/retry`);
      message.success(t('已重新排队发送', 'Queued to be sent again'));
      setRows((r) => (r ?? []).filter((x) => x.id !== id));
    } catch (e) {
      message.error(e instanceof ApiError ? t(e.message, e.messageEn) : String(e));
    } finally {
      setRetrying(null);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text>{t('发送失败并已挂起的通知（短信）；重试仍只会发出一条。', 'Notices (SMS) parked after their attempts; a retry still sends one message.')}</Typography.Text>
        <Button onClick={load} data-testid="notices-refresh">
          {t('刷新', 'Refresh')}
        </Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon />}
      <Table<ParkedNotice>
        rowKey="id"
        size="middle"
        loading={rows === null && !error}
        dataSource={rows ?? []}
        scroll={{ x: 800 }}
        onRow={(r) => ({ 'data-testid': `notice-${r.id}` }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('没有发送失败的通知', 'No parked notices') }}
        columns={[
          { title: t('通知', 'Notice'), dataIndex: 'event', render: (e: NoticeEvent) => noticeTitle(e, lang) },
          { title: t('收件人', 'Recipient'), render: (_: unknown, r) => `${r.recipient}${r.mobile ? ` ${r.mobile}` : ''}` },
          { title: t('内容', 'Text'), dataIndex: 'summary' },
          { title: t('尝试次数', 'Attempts'), dataIndex: 'attempts' },
          { title: t('最后错误', 'Last error'), dataIndex: 'lastError' },
          { title: t('更新时间（北京时间）', 'Updated (Beijing time)'), dataIndex: 'updatedAt', render: (v: string) => beijingTime(v) },
          {
            title: t('操作', 'Action'),
            render: (_: unknown, r) => (
              <Button size="small" loading={retrying === r.id} onClick={() => void retry(r.id)} data-testid={`notice-retry-${r.id}`}>
                {t('重试', 'Retry')}
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}
