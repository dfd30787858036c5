import { Card, Descriptions, Tag, Typography } from 'antd';
import { useI18n } from '../i18n';
import type { SubDetail } from './types';

/** Beijing time, whatever the counter's computer is set to: `2026/12/03 14:05:09`. */
function beijing(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** 告知承诺 at the counter: what the applicant signed instead of handing in some of this item's materials. */
export function CommitmentPanel({ commitment }: { commitment: NonNullable<SubDetail['commitment']> }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('告知承诺书（申请人已签署）', 'Commitment signed by the applicant')} data-testid="signed-commitment">
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'materials', label: t('代替的材料', 'Replaces'), children: commitment.materials.map((m) => <Tag key={m.code} color="gold">{m.title}</Tag>) },
          { key: 'signer', label: t('签署人', 'Signed by'), children: commitment.signerName },
          { key: 'at', label: t('签署时间（北京时间）', 'Signed (Beijing time)'), children: <span data-testid="commitment-signed-at">{beijing(commitment.signedAt)}</span> },
          { key: 'hash', label: 'SHA-256', children: <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>{commitment.sha256}</Typography.Text> },
        ]}
      />
      <div className="commitment-text" style={{ whiteSpace: 'pre-wrap', marginTop: 8, maxHeight: 280, overflow: 'auto', border: '1px solid #d9d9d9', borderRadius: 6, padding: '8px 12px', background: '#fafafa' }}>
        {commitment.text}
      </div>
    </Card>
  );
}
