import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Input, Space, Typography } from 'antd';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { formatTime } from './labels';
import type { CommitmentView } from './types';
import { COMMITMENT_LIABILITY_EN } from '../../../shared/commitment.js';

interface Props {
  applicationId: string;
  /** Changes whenever the answers were saved and evaluated again: the text may have changed. */
  refreshKey: unknown;
  /** Whether submitting may go ahead: nothing to sign, or signed for the text in force. */
  onReady(ready: boolean): void;
}

/**
 * 告知承诺 at review: the generated 承诺书 in full, and signing as an explicit act (the box ticked
 * and the applicant's name typed again). A signature of an older text (answers changed since)
 * shows as such and is asked again.
 */
export function CommitmentCard({ applicationId, refreshKey, onReady }: Props) {
  const { t } = useI18n();
  const [view, setView] = useState<CommitmentView | null>(null);
  const [agreed, setAgreed] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; path?: string } | null>(null);

  useEffect(() => {
    let live = true;
    api<CommitmentView>('GET', `/api/applications/${applicationId}/commitment`).then(
      (v) => {
        if (!live) return;
        setView(v);
        onReady(!v.required || v.signature?.valid === true);
      },
      (e: unknown) => live && setError({ message: e instanceof ApiError ? t(e.message, e.messageEn) : String(e) }),
    );
    return () => {
      live = false;
    };
    // onReady and t are stable enough: refetch only when the application or its answers change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [applicationId, refreshKey]);

  if (!view || !view.required) return error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} /> : null;

  const signedNow = view.signature?.valid === true;
  const sign = async () => {
    setBusy(true);
    setError(null);
    try {
      const v = await api<CommitmentView>('POST', `/api/applications/${applicationId}/commitment`, { agreed, name, ...(view.sha256 ? { sha256: view.sha256 } : {}) });
      setView(v);
      onReady(v.signature?.valid === true);
    } catch (e) {
      if (e instanceof ApiError) {
        const d = e.details[0];
        setError({ message: d ? t(d.message, d.messageEn ?? d.message) : t(e.message, e.messageEn), ...(d ? { path: d.path } : {}) });
      } else setError({ message: String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      title={<Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>{t('告知承诺书', 'Commitment (告知承诺书)')}</Typography.Title>}
      data-testid="commitment"
    >
      <Typography.Paragraph className="muted">
        {t(
          `以下 ${view.materials.length} 份材料以告知承诺代替提交，请阅读承诺书全文并签署。`,
          `${view.materials.length} document(s) are replaced by this commitment instead of being handed in: read it in full and sign it.`,
        )}
      </Typography.Paragraph>
      <div className="commitment-text" data-testid="commitment-text" tabIndex={0} aria-label={t('承诺书全文', 'Full text of the commitment')}>
        {view.text}
      </div>
      {signedNow && view.signature && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="commitment-signed"
          title={t(`${view.signature.signerName} 已于 ${formatTime(view.signature.signedAt, 'zh')}（北京时间）签署`, `Signed by ${view.signature.signerName} on ${formatTime(view.signature.signedAt, 'en')} (Beijing time)`)}
        />
      )}
      {!signedNow && (
        <Space orientation="vertical" style={{ marginTop: 12, width: '100%' }}>
          {view.signature && !view.signature.valid && (
            <Alert type="warning" showIcon title={t('申请内容变化后承诺书已更新，之前的签署不再有效，请重新签署。', 'Your answers changed the commitment: the earlier signature no longer counts; sign again.')} />
          )}
          <Checkbox checked={agreed} onChange={(e) => setAgreed(e.target.checked)} data-testid="commitment-agree">
            {t('我已阅读并同意以上承诺，知悉虚假承诺的法律责任', 'I have read and agree to this commitment and know the liability of a false one')}
          </Checkbox>
          <label htmlFor="commitment-name">{t('请输入申请人姓名以确认签署', "Type the applicant's name to sign")}</label>
          <Input
            id="commitment-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            autoComplete="off"
            status={error?.path === 'name' ? 'error' : undefined}
            style={{ maxWidth: 280 }}
            data-testid="commitment-name"
          />
          {error && <Alert type="error" showIcon role="alert" title={error.message} data-testid="commitment-error" />}
          <Button type="primary" onClick={() => void sign()} disabled={!agreed || name.trim() === '' || busy} loading={busy} data-testid="commitment-sign">
            {t('签署承诺书', 'Sign the commitment')}
          </Button>
        </Space>
      )}
      <div className="sf-help" style={{ marginTop: 8 }}>
        {t(view.liability, COMMITMENT_LIABILITY_EN)}
      </div>
    </Card>
  );
}
