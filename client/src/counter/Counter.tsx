import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Empty, Form, Input, List, Row, Select, Space, Typography } from 'antd';
import { Link, useNavigate } from 'react-router';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { StatusPill, formatTime, useDocumentTitle } from '../portal/labels';
import type { ApplicationDetail, ApplicationSummary, BundleSummary } from '../portal/types';
import { EMPTY_IDENTIFY, FIELD_OF_PATH, applicantBody, type IdentifyForm } from './identify';
import { FiledSummary } from './FiledSummary';

type Errors = Partial<Record<keyof IdentifyForm | 'bundleId', string>>;

/**
 * /counter: the clerk identifies the person in front of them (公民身份号码 and name, checked
 * by the server against the identity library), chooses the 一件事 and starts it for them; below,
 * an application the applicant presents by its number, and what this clerk has filed.
 */
export default function Counter() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  useDocumentTitle(t('综合窗口', 'Counter'));
  const [bundles, setBundles] = useState<BundleSummary[]>([]);
  const [mine, setMine] = useState<ApplicationSummary[] | null>(null);
  const [form, setForm] = useState<IdentifyForm>(EMPTY_IDENTIFY);
  const [bundleId, setBundleId] = useState<string | undefined>(undefined);
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<BundleSummary[]>('GET', '/api/bundles').then(setBundles, (e: unknown) => setProblem(String(e)));
    api<ApplicationSummary[]>('GET', '/api/applications').then(setMine, () => setMine([]));
  }, []);

  const set = <K extends keyof IdentifyForm>(key: K, value: IdentifyForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const start = async () => {
    const local: Errors = {};
    if (!form.idNumber.trim()) local.idNumber = t('请填写公民身份号码', 'Enter the ID number');
    if (!form.name.trim()) local.name = t('请填写姓名', 'Enter the name');
    if (form.forCompany && !form.creditCode.trim()) local.creditCode = t('请填写统一社会信用代码', 'Enter the credit code');
    if (!bundleId) local.bundleId = t('请选择要办理的一件事', 'Choose the matter');
    setErrors(local);
    setProblem(null);
    if (Object.keys(local).length > 0 || !bundleId) return;
    setBusy(true);
    try {
      const created = await api<{ id: string }>('POST', '/api/applications', { bundleId, applicant: applicantBody(form) });
      navigate(`/counter/applications/${created.id}`);
    } catch (e) {
      if (e instanceof ApiError) {
        const byField: Errors = {};
        for (const d of e.details) {
          const field = FIELD_OF_PATH[d.path];
          if (field) byField[field] = lang === 'en' ? (d.messageEn ?? d.message) : d.message;
        }
        setErrors(byField);
        setProblem(lang === 'en' ? e.messageEn : e.message);
      } else setProblem(String(e));
    } finally {
      setBusy(false);
    }
  };

  const item = (key: keyof IdentifyForm | 'bundleId') => ({ validateStatus: errors[key] ? ('error' as const) : undefined, help: errors[key] });

  return (
    <div className="counter">
      <Typography.Title level={2} style={{ fontSize: 22, marginTop: 0 }}>
        {t('综合窗口 · 一窗受理', 'Counter: one window for everything')}
      </Typography.Title>
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('核验申请人身份并开始受理', 'Identify the applicant and start')}>
            <Form layout="vertical" onFinish={() => void start()} data-testid="identify-form">
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item label={t('公民身份号码', 'ID number')} htmlFor="counter-idNumber" required {...item('idNumber')}>
                    <Input id="counter-idNumber" value={form.idNumber} maxLength={18} autoComplete="off" onChange={(e) => set('idNumber', e.target.value)} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item label={t('姓名', 'Name')} htmlFor="counter-name" required {...item('name')}>
                    <Input id="counter-name" value={form.name} autoComplete="off" onChange={(e) => set('name', e.target.value)} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item label={t('手机号码（用于办理进度通知，可不填）', 'Mobile (for progress notices, optional)')} htmlFor="counter-mobile" {...item('mobile')}>
                    <Input id="counter-mobile" value={form.mobile} inputMode="tel" maxLength={20} autoComplete="off" onChange={(e) => set('mobile', e.target.value)} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item label={t('要办理的一件事', 'Matter to apply for')} htmlFor="counter-bundle" required {...item('bundleId')}>
                    <Select
                      id="counter-bundle"
                      data-testid="counter-bundle"
                      value={bundleId}
                      placeholder={t('请选择', 'Choose')}
                      onChange={(v: string) => {
                        setBundleId(v);
                        setErrors((e) => ({ ...e, bundleId: undefined }));
                      }}
                      options={bundles.map((b) => ({ value: b.id, label: lang === 'en' ? b.titleEn : b.title }))}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item>
                <Checkbox checked={form.forCompany} onChange={(e) => set('forCompany', e.target.checked)} data-testid="counter-company">
                  {t('企业办事：申请人是经办人，代企业办理（需上传授权委托书）', 'For a company: the applicant is its agent (a power of attorney is required)')}
                </Checkbox>
              </Form.Item>
              {form.forCompany && (
                <Form.Item label={t('统一社会信用代码', 'Unified social credit code')} htmlFor="counter-creditCode" required {...item('creditCode')}>
                  <Input id="counter-creditCode" value={form.creditCode} maxLength={18} autoComplete="off" onChange={(e) => set('creditCode', e.target.value)} />
                </Form.Item>
              )}
              {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
              <Button type="primary" htmlType="submit" loading={busy} data-testid="counter-start">
                {t('核验身份并开始受理', 'Verify and start')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Presented />
        </Col>
      </Row>
      <Card title={t('我受理的办件', 'Filed at this counter by me')} style={{ marginTop: 16 }}>
        {mine === null ? null : mine.length === 0 ? (
          <Empty description={t('还没有受理的办件', 'Nothing filed yet')} />
        ) : (
          <List
            data-testid="counter-mine"
            dataSource={mine}
            renderItem={(a) => (
              <List.Item key={a.id} actions={[<Link key="open" to={`/counter/applications/${a.id}`}>{a.status === 'draft' ? t('继续受理', 'Continue') : t('查看', 'Open')}</Link>]}>
                <Space wrap>
                  <Typography.Text strong>{a.title}</Typography.Text>
                  <StatusPill status={a.status} />
                  <Typography.Text type="secondary">
                    {a.submittedAt ? t(`办件编号 ${a.number ?? ''}，提交于 ${formatTime(a.submittedAt, 'zh')}`, `No. ${a.number ?? ''}, submitted ${formatTime(a.submittedAt, 'en')}`) : t(`开始于 ${formatTime(a.createdAt, 'zh')}`, `Started ${formatTime(a.createdAt, 'en')}`)}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
    </div>
  );
}

/** An application the applicant presents: its 办件编号 and their 公民身份号码, both required to match. */
function Presented() {
  const { t, lang } = useI18n();
  const [number, setNumber] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [found, setFound] = useState<ApplicationDetail | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const look = async () => {
    setFound(null);
    setProblem(null);
    if (!number.trim() || !idNumber.trim()) {
      setProblem(t('请填写办件编号和公民身份号码', 'Enter the application number and the ID number'));
      return;
    }
    try {
      const q = new URLSearchParams({ number: number.trim(), idNumber: idNumber.trim() });
      setFound(await api<ApplicationDetail>('GET', `/api/counter/applications?${q.toString()}`));
    } catch (e) {
      setProblem(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e));
    }
  };
  return (
    <Card title={t('申请人出示办件查询', 'An application the applicant presents')}>
      <Form layout="vertical" onFinish={() => void look()}>
        <Form.Item label={t('办件编号', 'Application number')} htmlFor="presented-number">
          <Input id="presented-number" value={number} onChange={(e) => setNumber(e.target.value)} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('申请人公民身份号码', "Applicant's ID number")} htmlFor="presented-idNumber">
          <Input id="presented-idNumber" value={idNumber} maxLength={18} onChange={(e) => setIdNumber(e.target.value)} autoComplete="off" />
        </Form.Item>
        <Button htmlType="submit">{t('查询', 'Look up')}</Button>
      </Form>
      {problem && <Alert type="warning" showIcon role="alert" title={problem} style={{ marginTop: 16 }} />}
      {found && (
        <div style={{ marginTop: 16 }} data-testid="presented">
          <FiledSummary app={found} />
        </div>
      )}
    </Card>
  );
}
