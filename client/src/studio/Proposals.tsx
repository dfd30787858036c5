import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Empty, Input, List, Modal, Space, Tag, Typography, message } from 'antd';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { formatTime } from '../portal/labels';
import type { Proposal } from './types';

const RISK: Record<Proposal['risk'], { color: string; zh: string; en: string }> = {
  high: { color: 'red', zh: '高风险', en: 'High risk' },
  medium: { color: 'orange', zh: '中风险', en: 'Medium risk' },
  low: { color: 'blue', zh: '低风险', en: 'Low risk' },
  none: { color: 'default', zh: '无实质修改', en: 'No change' },
};
const FILE_CHANGE = { added: ['新增', 'added'], removed: ['删除', 'removed'], changed: ['修改', 'changed'] } as const;

/**
 * The reviewer's page (四眼原则): pending publishing proposals, each with its semantic diff against
 * the version current when proposed, flagged by risk; approve, or reject with a reason. Nobody
 * reviews their own proposal, and only an administrator approves a change of delivery.
 */
export default function Proposals() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const [proposals, setProposals] = useState<Proposal[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<Proposal | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api<Proposal[]>('GET', '/api/studio/proposals?status=pending').then(setProposals, (e: unknown) => setError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)));
  }, [t]);
  useEffect(load, [load]);

  const act = async (p: Proposal, action: 'approve' | 'reject') => {
    setBusy(true);
    try {
      if (action === 'approve') {
        await api('POST', `/api/studio/proposals/${p.id}/approve`);
        message.success(t(`已批准，版本 ${p.version} 已发布`, `Approved: version ${p.version} is published`));
      } else {
        await api('POST', `/api/studio/proposals/${p.id}/reject`, { reason });
        message.success(t('已驳回', 'Rejected'));
        setRejecting(null);
        setReason('');
      }
      load();
    } catch (e) {
      message.error(e instanceof ApiError ? t(e.message, e.messageEn) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('发布审核', 'Publishing review')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('设计人员提交的新版本须经另一位审核人员批准后才发布（四眼原则）；修改部门送达方式的须由管理员批准。', 'A version a designer proposes is published only when another person approves it (four eyes); a change of delivery needs an administrator.')}
      </Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon />}
      {proposals === null && !error && <Card loading />}
      {proposals?.length === 0 && <Empty description={t('没有待审核的发布申请', 'No proposals to review')} />}
      {(proposals ?? []).map((p) => {
        const own = p.authorId === user?.id;
        const adminOnly = p.needsAdmin && user?.role !== 'admin';
        return (
          <Card
            key={p.id}
            data-testid={`proposal-${p.bundleId}-${p.version}`}
            title={
              <Space wrap>
                <span>{t(`${p.bundleTitle}：${p.against} → ${p.version}`, `${p.bundleTitle}: ${p.against} → ${p.version}`)}</span>
                <Tag color={RISK[p.risk].color}>{t(RISK[p.risk].zh, RISK[p.risk].en)}</Tag>
                {p.needsAdmin && <Tag color="red">{t('须管理员批准', 'Administrator approval')}</Tag>}
              </Space>
            }
            extra={
              <Space>
                <Button type="primary" disabled={own || adminOnly || busy} onClick={() => void act(p, 'approve')} data-testid="approve">
                  {t('批准发布', 'Approve')}
                </Button>
                <Button danger disabled={own || busy} onClick={() => setRejecting(p)} data-testid="reject">
                  {t('驳回', 'Reject')}
                </Button>
              </Space>
            }
          >
            <Typography.Paragraph type="secondary">
              {t(`${p.authorName} 提交于 ${formatTime(p.createdAt, 'zh')}`, `Proposed by ${p.authorName}, ${formatTime(p.createdAt, 'en')}`)}
              {own && t('（本人提交，不能自行审核）', ' (your own: someone else must review it)')}
            </Typography.Paragraph>
            <List
              size="small"
              dataSource={p.changes}
              renderItem={(c) => (
                <List.Item data-testid={`change-${c.kind}`}>
                  <Space>
                    <Tag color={RISK[c.risk].color}>{t(RISK[c.risk].zh, RISK[c.risk].en)}</Tag>
                    <span>{lang === 'en' ? c.titleEn : c.title}</span>
                  </Space>
                </List.Item>
              )}
            />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('修改的文件：', 'Files: ')}
              {p.files.map((f) => t(`${f.path}（${FILE_CHANGE[f.change][0]}）`, `${f.path} (${FILE_CHANGE[f.change][1]})`)).join(t('、', ', '))}
            </Typography.Paragraph>
          </Card>
        );
      })}
      <Modal
        open={rejecting !== null}
        title={t('驳回发布申请', 'Reject the proposal')}
        okText={t('驳回', 'Reject')}
        okButtonProps={{ danger: true, disabled: reason.trim() === '', loading: busy, ...({ 'data-testid': 'reject-ok' } as Record<string, string>) }}
        onOk={() => rejecting && void act(rejecting, 'reject')}
        onCancel={() => setRejecting(null)}
      >
        <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('驳回理由（设计人员可见）', 'Reason (the designer sees it)')} data-testid="reject-reason" />
      </Modal>
    </Space>
  );
}
