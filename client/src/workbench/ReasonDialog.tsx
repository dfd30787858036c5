import { useState } from 'react';
import { Modal, Radio, Space, Typography } from 'antd';
import { useI18n } from '../i18n';
import { REASONS } from './labels';

/** data-* attributes pass through antd's button props, which do not declare them. */
const testId = (id: string): Record<string, string> => ({ 'data-testid': id });

/**
 * 查阅事由: asked every time a case is opened, from the inbox or by its URL, and never preselected,
 * so the reason in the audit log is one the staff member chose for this case.
 */
export function ReasonDialog({ onChoose, onCancel }: { onChoose(reason: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState<string | null>(null);
  return (
    <Modal
      open
      title={t('查阅事由', 'Reason for access')}
      okText={t('查阅', 'Open')}
      cancelText={t('返回待办', 'Back to the inbox')}
      okButtonProps={{ disabled: reason === null, ...testId('reason-ok') }}
      cancelButtonProps={testId('reason-cancel')}
      closable={false}
      maskClosable={false}
      keyboard={false}
      onOk={() => reason !== null && onChoose(reason)}
      onCancel={onCancel}
    >
      <Typography.Paragraph>{t('打开申请即查阅个人信息：查阅人、时间和事由记入审计日志。请选择本次查阅的事由。', 'Opening an application reads personal data: who, when and why is written to the audit log. Choose why you open it.')}</Typography.Paragraph>
      <Radio.Group value={reason} onChange={(e) => setReason(e.target.value as string)} aria-label={t('查阅事由', 'Reason for access')}>
        <Space orientation="vertical">
          {REASONS.map((r) => (
            <Radio key={r.zh} value={r.zh} data-testid={`reason-${r.zh}`}>
              {t(r.zh, r.en)}
            </Radio>
          ))}
        </Space>
      </Radio.Group>
    </Modal>
  );
}
