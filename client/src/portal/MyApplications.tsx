import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Empty, List, Popconfirm, Space, Spin, Typography } from 'antd';
import { Link } from 'react-router';
import { ApiError, api } from '../api';
import { useI18n } from '../i18n';
import { StatusPill, formatTime, useDocumentTitle } from './labels';
import { DocumentLinks } from './DocumentLinks';
import type { ApplicationSummary } from './types';

/** /applications: every application of the signed-in applicant, newest first. */
export default function MyApplications() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [list, setList] = useState<ApplicationSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useDocumentTitle(t('我的办件', 'My applications'));

  useEffect(() => {
    api<ApplicationSummary[]>('GET', '/api/applications').then(setList, (e: unknown) => setError(String(e)));
  }, []);

  /** A draft only: the server refuses to delete a filed application (409). */
  async function remove(a: ApplicationSummary): Promise<void> {
    try {
      await api<void>('DELETE', `/api/applications/${a.id}`);
      setList((l) => l?.filter((x) => x.id !== a.id) ?? null);
      message.success(t('草稿已删除', 'Draft deleted'));
    } catch (e) {
      message.error(e instanceof ApiError ? t(e.message, e.messageEn) : String(e));
    }
  }

  return (
    <div className="portal">
      <Typography.Title level={2} style={{ fontSize: 22 }}>
        {t('我的办件', 'My applications')}
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      {list === null && !error && <Spin aria-label={t('正在加载', 'Loading')} />}
      {list?.length === 0 && (
        <Empty description={t('还没有申请', 'No applications yet')}>
          <Link to="/">{t('去办事大厅', 'Go to services')}</Link>
        </Empty>
      )}
      {list && list.length > 0 && (
        <Card size="small">
          <List
            dataSource={list}
            renderItem={(a) => (
              <List.Item data-testid={`application-${a.id}`}>
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  <Space wrap size={[8, 4]}>
                    <Typography.Text strong>{t(a.title, a.titleEn)}</Typography.Text>
                    <StatusPill status={a.status} />
                  </Space>
                  <Typography.Text className="muted">
                    {a.submittedAt
                      ? t(`办件编号 ${a.number ?? ''}，提交于 ${formatTime(a.submittedAt, 'zh')}`, `No. ${a.number ?? ''}, submitted ${formatTime(a.submittedAt, 'en')}`)
                      : t(`草稿，创建于 ${formatTime(a.createdAt, 'zh')}`, `Draft started ${formatTime(a.createdAt, 'en')}`)}
                  </Typography.Text>
                  <Link to={a.status === 'draft' ? `/applications/${a.id}/edit` : `/applications/${a.id}`} aria-label={`${a.status === 'draft' ? t('继续填写', 'Continue') : t('查看进度', 'View progress')}${t(`：${a.title}`, `: ${a.titleEn}`)}`}>
                    {a.status === 'draft' ? t('继续填写', 'Continue') : t('查看进度', 'View progress')}
                  </Link>
                  <DocumentLinks id={a.id} status={a.status} supplement={a.status === 'supplement'} />
                  {a.status === 'draft' && (
                    <Popconfirm
                      title={t(`删除草稿“${a.title}”？`, `Delete the draft "${a.titleEn}"?`)}
                      description={t('已填写的内容和上传的材料将一并删除，不能恢复。', 'Its answers and uploads go with it; this cannot be undone.')}
                      okText={t('删除', 'Delete')}
                      okButtonProps={{ danger: true, ...{ 'data-testid': `delete-ok-${a.id}` } }}
                      cancelText={t('取消', 'Cancel')}
                      onConfirm={() => remove(a)}
                    >
                      <Button danger size="small" style={{ alignSelf: 'flex-start' }} aria-label={t(`删除草稿：${a.title}`, `Delete draft: ${a.titleEn}`)}>
                        {t('删除草稿', 'Delete draft')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
    </div>
  );
}
