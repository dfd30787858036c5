import { useEffect, useState } from 'react';
import { Alert, Button, Card, Result, Space, Spin, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, upload } from '../api';
import { useI18n } from '../i18n';
import { Wizard, type WizardHost } from '../portal/Apply';
import { rebuild, type EngineModel } from '../portal/model';
import type { ApplicationDetail, FormResponse } from '../portal/types';
import { CounterMaterials } from './CounterMaterials';
import { FiledSummary } from './FiledSummary';

/** The application and, for a draft, the applicant's form: their identity and records prefill it, not the clerk's. */
async function loadFiling(id: string): Promise<{ app: ApplicationDetail; model: EngineModel | null }> {
  const app = await api<ApplicationDetail>('GET', `/api/applications/${id}`);
  if (app.status !== 'draft') return { app, model: null };
  const f = await api<FormResponse>('GET', `/api/counter/applications/${id}/form`);
  return { app, model: rebuild(f.bundleId, f.version, f.model, f.profile, f.sharing) };
}

/**
 * /counter/applications/:id: the same combined form the applicant would fill online (the
 * portal's wizard), prefilled for the applicant, with the counter's scanning; once filed, its
 * number and the receipt to print.
 */
export default function CounterApplication() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [app, setApp] = useState<ApplicationDetail | null>(null);
  const [model, setModel] = useState<EngineModel | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Loaded again once filed: the number and the departments' progress come with the filing.
  const [round, setRound] = useState(0);

  useEffect(() => {
    let live = true;
    loadFiling(id).then(
      (r) => {
        if (!live) return;
        setModel(r.model);
        setApp(r.app);
      },
      (e: unknown) => live && setError(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e)),
    );
    return () => {
      live = false;
    };
  }, [id, lang, round]);

  const host: WizardHost = {
    back: { to: '/counter', zh: '返回综合窗口', en: 'Back to the counter' },
    materials: (props) => <CounterMaterials {...props} />,
    onSubmitted: () => {
      setApp(null);
      navigate(`/counter/applications/${id}`, { replace: true });
      setRound((r) => r + 1);
    },
  };

  if (error) return <Result status="warning" title={error} extra={<Link to="/counter">{t('返回综合窗口', 'Back to the counter')}</Link>} />;
  if (!app || (app.status === 'draft' && !model)) return <Spin style={{ display: 'block', margin: 48 }} aria-label={t('正在加载', 'Loading')} />;
  if (app.status !== 'draft') {
    return (
      <div className="counter">
        <Result status="success" title={t('已受理', 'Filed')} subTitle={t('请将办件编号和受理回执交给申请人；申请人登录后也可在“我的办件”中查看。', 'Give the applicant the number and the receipt; they also find it under "My applications" once signed in.')} />
        <Card style={{ maxWidth: 720, margin: '0 auto' }}>
          <FiledSummary app={app} />
          <Space style={{ marginTop: 16 }}>
            <Button type="primary" onClick={() => navigate('/counter')} data-testid="next-applicant">
              {t('受理下一位', 'Next applicant')}
            </Button>
          </Space>
        </Card>
      </div>
    );
  }
  return (
    <div className="counter">
      {app.counter?.company && <PowerOfAttorney applicationId={app.id} company={app.counter.company} />}
      <Wizard key={app.id} app={app} model={model!} host={host} />
    </div>
  );
}

/** 企业办事: the agent's 委托书, scanned or uploaded before the application can be filed. */
function PowerOfAttorney({ applicationId, company }: { applicationId: string; company: { creditCode: string; name: string; powerOfAttorney: string | null } }) {
  const { t, lang } = useI18n();
  const [kept, setKept] = useState<string | null>(company.powerOfAttorney);
  const [problem, setProblem] = useState<string | null>(null);
  const send = async (file: File | undefined) => {
    if (!file) return;
    setProblem(null);
    try {
      const r = await upload<{ fileName: string }>(`/api/counter/applications/${applicationId}/power-of-attorney`, file);
      setKept(r.fileName);
    } catch (e) {
      setProblem(e instanceof ApiError ? (lang === 'en' ? e.messageEn : e.message) : String(e));
    }
  };
  return (
    <Card size="small" style={{ marginBottom: 16 }} title={t(`企业办事：${company.name}（${company.creditCode}）`, `For a company: ${company.name} (${company.creditCode})`)}>
      <Space wrap>
        <label htmlFor="power-of-attorney">{t('经办人授权委托书', "The agent's power of attorney")}</label>
        <input id="power-of-attorney" type="file" accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" onChange={(e) => void send(e.target.files?.[0])} />
        {kept && <Typography.Text type="success">{t(`已上传「${kept}」`, `Uploaded "${kept}"`)}</Typography.Text>}
      </Space>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginTop: 8 }} />}
    </Card>
  );
}
