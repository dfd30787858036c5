import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, List, Space, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { Pill, StatusPill, formatTime, statusTone, subStatusLabel, useDocumentTitle } from './labels';
import type { Progress as ProgressView } from '../../../shared/contracts/progress';

function fetchProgress(number: string, code: string): Promise<ProgressView> {
  return api<ProgressView>('GET', `/api/progress?number=${encodeURIComponent(number.trim())}&code=${encodeURIComponent(code)}`);
}

/**
 * /progress: 进度查询 without signing in, by the 办件编号 and 查询码 printed on the 受理回执 (its QR
 * code opens this page with both filled in). Titles and statuses only.
 */
export default function Progress() {
  const { t, lang } = useI18n();
  useDocumentTitle(t('办件进度查询', 'Application progress'));
  const [params, setParams] = useSearchParams();
  const [number, setNumber] = useState(params.get('number') ?? '');
  const [code, setCode] = useState(params.get('code') ?? '');
  const [result, setResult] = useState<ProgressView | null>(null);
  // Kept as caught and worded when shown, in the language of the moment.
  const [error, setError] = useState<unknown>(null);

  const look = (n: string, c: string) => {
    setError(null);
    setResult(null);
    fetchProgress(n, c).then((r) => {
      setResult(r);
      setParams({ number: n.trim(), code: c }, { replace: true });
    }, setError);
  };

  // Opened from the QR code: looked up at once, with what the link carried on arrival.
  const [arrival] = useState(() => ({ number: params.get('number'), code: params.get('code') }));
  useEffect(() => {
    if (arrival.number && arrival.code) fetchProgress(arrival.number, arrival.code).then(setResult, setError);
  }, [arrival]);

  return (
    <div className="portal">
      <Typography.Title level={2} style={{ fontSize: 22 }}>
        {t('办件进度查询', 'Application progress')}
      </Typography.Title>
      <Typography.Paragraph className="muted">{t('输入受理回执上的办件编号和查询码，无需登录。', 'Type the application number and query code from your receipt; no sign-in needed.')}</Typography.Paragraph>
      <Form layout="inline" onFinish={() => look(number, code)} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('办件编号', 'Application number')} htmlFor="progress-number">
          <Input id="progress-number" value={number} onChange={(e) => setNumber(e.target.value)} inputMode="numeric" maxLength={20} style={{ width: 220 }} data-testid="progress-number" />
        </Form.Item>
        <Form.Item label={t('查询码', 'Query code')} htmlFor="progress-code">
          <Input id="progress-code" value={code} onChange={(e) => setCode(e.target.value)} maxLength={12} style={{ width: 140 }} data-testid="progress-code" />
        </Form.Item>
        <Button type="primary" htmlType="submit" disabled={!number.trim() || !code.trim()}>
          {t('查询', 'Look up')}
        </Button>
      </Form>
      {error !== null && <Alert type="warning" showIcon title={error instanceof ApiError ? t(error.message, error.messageEn) : String(error)} />}
      {result && (
        <Card size="small" data-testid="progress-result">
          <Space wrap size={[12, 4]} style={{ marginBottom: 8 }}>
            <Typography.Text strong>{result.title}</Typography.Text>
            <StatusPill status={result.status} />
            <Typography.Text>{t(`办件编号 ${result.number}`, `No. ${result.number}`)}</Typography.Text>
            <Typography.Text className="muted">{t(`提交于 ${formatTime(result.submittedAt)}`, `Submitted ${formatTime(result.submittedAt)}`)}</Typography.Text>
          </Space>
          <List
            size="small"
            dataSource={result.items}
            renderItem={(i) => (
              <List.Item>
                <Space wrap>
                  <span>{i.title}</span>
                  <span className="muted">{i.departmentName}</span>
                  <Pill tone={statusTone(i.status)}>{subStatusLabel(i.status, lang)}</Pill>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
    </div>
  );
}
