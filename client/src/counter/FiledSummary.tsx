import { Descriptions, List, Space, Typography } from 'antd';
import { useI18n } from '../i18n';
import { Pill, StatusPill, formatTime, statusTone, subStatusLabel } from '../portal/labels';
import type { ApplicationDetail } from '../portal/types';
import { DocumentLinks } from '../portal/DocumentLinks';

/** An application as the counter shows it: its number, where it stands, the receipt and the other documents. */
export function FiledSummary({ app }: { app: ApplicationDetail }) {
  const { t, lang } = useI18n();
  return (
    <div data-testid="filed-summary">
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('事项', 'Matter')}>{app.title}</Descriptions.Item>
        <Descriptions.Item label={t('办件编号', 'Application number')}>
          <Typography.Text strong copyable data-testid="filed-number">
            {app.number ?? t('（提交后生成）', '(given when filed)')}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('状态', 'Status')}>
          <StatusPill status={app.status} />
        </Descriptions.Item>
        {app.submittedAt && <Descriptions.Item label={t('提交时间', 'Filed at')}>{formatTime(app.submittedAt, lang)}</Descriptions.Item>}
        {app.counter && (
          <Descriptions.Item label={t('受理窗口', 'Window')}>
            {app.counter.window} · {app.counter.clerk}
          </Descriptions.Item>
        )}
        {app.counter?.company && (
          <Descriptions.Item label={t('企业', 'Company')}>
            {app.counter.company.name}（{app.counter.company.creditCode}）
          </Descriptions.Item>
        )}
      </Descriptions>
      {app.items.length > 0 && (
        <List
          size="small"
          style={{ marginTop: 12 }}
          header={t('各部门办理情况', 'Each department')}
          dataSource={app.items}
          renderItem={(i) => (
            <List.Item key={i.id}>
              <Space wrap>
                <Typography.Text>{i.title}</Typography.Text>
                <Typography.Text type="secondary">{i.departmentName}</Typography.Text>
                <Pill tone={statusTone(i.status)}>{subStatusLabel(i.status, lang)}</Pill>
              </Space>
            </List.Item>
          )}
        />
      )}
      {app.status !== 'draft' && (
        <p style={{ marginTop: 12 }}>
          {/* The receipt is a PDF the server makes (GET /api/applications/{id}/receipt): opened in its own tab to print. */}
          <a href={`/api/applications/${app.id}/receipt`} target="_blank" rel="noopener" data-testid="receipt-link">
            {t('打印受理回执（PDF）', 'Print the receipt (PDF)')}
          </a>
        </p>
      )}
      {/* The same documents the applicant has online: the 申请表 to sign, the 一次性告知书 and 办结通知书 when they apply. */}
      <DocumentLinks id={app.id} status={app.status} supplement={app.items.some((i) => i.status === 'supplement')} />
    </div>
  );
}
