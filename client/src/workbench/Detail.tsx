import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Image, Modal, Popconfirm, Result, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { beijingTime } from '../../../shared/beijing-time.js';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { useAuth } from '../auth';
import type { DepartmentAction } from '../../../shared/lifecycle.js';
import { ClockTag } from './Clock';
import { REASONS, STAFF_STATUS } from './labels';
import { ReasonDialog } from './ReasonDialog';
import { dispositionLabel } from '../../../shared/dispositions.js';
import { CompleteDialog, RejectDialog, SupplementDialog } from './ActionDialogs';
import { DocumentList } from './ResultDocuments';
import { fetchMaterial } from './materials';
import { saveFile } from '../components/save-file';
import type { SubDetail, SubMaterial } from './types';
import { CommitmentPanel } from './CommitmentPanel';

/** data-* attributes pass through antd's button props, which do not declare them. */
const testId = (id: string): Record<string, string> => ({ 'data-testid': id });

function show(value: unknown, t: (zh: string, en: string) => string): string {
  if (value === true) return t('是', 'Yes');
  if (value === false) return t('否', 'No');
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const HISTORY: Record<string, [string, string]> = {
  queued: ['已提交，待推送', 'Queued for delivery'],
  delivered: ['已推送到部门', 'Delivered to the department'],
  accepted: ['已受理', 'Accepted'],
  supplement: ['要求补正', 'Supplement requested'],
  completed: ['已办结', 'Completed'],
  rejected: ['不予受理', 'Rejected'],
  dead: ['投递失败', 'Delivery failed'],
  waiting: ['等待前序事项', 'Waiting for earlier items'],
};

/** A history entry in words: queued again with what was supplied is a supplement answered; by an operator, a retry. */
function historyLabel(status: string, actor: string, note: unknown): [string, string] {
  const n = note !== null && typeof note === 'object' ? (note as Record<string, unknown>) : {};
  if (status === 'queued' && 'supplied' in n) return ['申请人已补正，重新推送', 'Supplement answered, sent again'];
  if (status === 'queued' && actor.startsWith('admin:')) return ['运维人员重试投递', 'Delivery retried by an operator'];
  return HISTORY[status] ?? [status, status];
}

/** One sub-application at the counter: the department's own fields and materials, the clock, and the actions. */
export default function Detail() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const [sub, setSub] = useState<SubDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<DepartmentAction | null>(null);
  const [preview, setPreview] = useState<{ url: string; title: string } | null>(null);
  const navigate = useNavigate();
  // Chosen for this opening only: a reload or another case asks again.
  const [reason, setReason] = useState<string | null>(null);

  useEffect(() => {
    if (reason === null) return;
    api<SubDetail>('GET', `/api/workbench/sub-applications/${encodeURIComponent(id)}?reason=${encodeURIComponent(reason)}`).then(
      (d) => setSub(d),
      (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), String(e), [])),
    );
  }, [id, reason]);

  useEffect(() => () => {
    if (preview) URL.revokeObjectURL(preview.url);
  }, [preview]);

  /** Runs an action; the caller's dialog shows field errors from a 422 itself. */
  const act = useCallback(
    async (body: Record<string, unknown>): Promise<void> => {
      setBusy(true);
      try {
        const updated = await api<Omit<SubDetail, 'bundle' | 'fieldLabelsEn' | 'sensitiveFields' | 'producesEn' | 'materialsEn' | 'dueDate' | 'dueAt' | 'overdue' | 'workingDaysLeft' | 'completedLate' | 'titleEn' | 'departmentName' | 'departmentNameEn' | 'inputLabels' | 'actorNames'>>(
          'POST',
          `/api/sub-applications/${encodeURIComponent(id)}/actions`,
          body,
        );
        // The clock only changes with the status: the due date stays, a finished item is no longer overdue.
        // This officer made the new history entry: named as the case's GET would name them.
        const me = user ? { [`staff:${user.id}`]: { zh: user.name, en: user.name } } : {};
        setSub((s) => (s ? { ...s, ...updated, actorNames: { ...s.actorNames, ...me }, overdue: s.overdue && (updated.status === 'delivered' || updated.status === 'accepted'), completedLate: updated.status === 'completed' && s.overdue, workingDaysLeft: updated.status === 'delivered' || updated.status === 'accepted' ? s.workingDaysLeft : null } : s));
        setDialog(null);
        message.success(t('已办理', 'Done'));
      } finally {
        setBusy(false);
      }
    },
    [id, message, t, user],
  );

  const openMaterial = async (m: SubMaterial, mode: 'view' | 'download') => {
    try {
      // The case is on screen only once a reason was chosen; its downloads carry that reason.
      const file = await fetchMaterial(m.url!, reason!);
      if (mode === 'view' && file.blob.type.startsWith('image/')) setPreview({ url: URL.createObjectURL(file.blob), title: m.title });
      // A PDF (an electronic licence) opens in the browser's own viewer (our own blob, so no noopener: it would hide whether the tab opened); a blocked pop-up falls back to saving it.
      else if (mode === 'view' && file.blob.type === 'application/pdf' && window.open(URL.createObjectURL(file.blob), '_blank')) return;
      else saveFile(file.blob, file.fileName);
    } catch (e) {
      message.error(e instanceof ApiError ? t(e.message, e.messageEn) : String(e));
    }
  };

  if (reason === null) return <ReasonDialog onChoose={setReason} onCancel={() => void navigate('/workbench')} />;
  if (error) {
    if (error.status === 404) {
      return (
        <Result
          status="404"
          title={t('事项不存在，或不属于本部门', 'No such sub-application in your department')}
          extra={<Link to="/workbench">{t('返回待办', 'Back to the inbox')}</Link>}
          data-testid="not-found"
        />
      );
    }
    return <Alert type="error" title={t(error.message, error.messageEn)} showIcon />;
  }
  if (!sub) return <Spin style={{ display: 'block', margin: 48 }} />;

  const label = (name: string) => (lang === 'en' ? (sub.fieldLabelsEn[name] ?? name) : (sub.fieldLabels[name] ?? name));
  const fieldNames = Object.keys(sub.fieldLabels).length ? Object.keys(sub.fieldLabels) : Object.keys(sub.fields);
  const st = STAFF_STATUS[sub.status];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/workbench">← {t('返回待办', 'Back to the inbox')}</Link>
      <Space wrap align="center">
        <Typography.Title level={2} style={{ margin: 0 }}>
          {lang === 'en' ? sub.titleEn : sub.title}
        </Typography.Title>
        <Tag color={st.color} data-testid="status">
          {t(st.zh, st.en)}
        </Tag>
        <ClockTag {...sub} />
      </Space>
      <Typography.Text type="secondary">
        {lang === 'en' ? sub.bundle.titleEn : sub.bundle.title} · {t('版本', 'version')} <span data-testid="version">{sub.bundle.version}</span> · {lang === 'en' ? sub.departmentNameEn : sub.departmentName} · {t('办件编号', 'Application no.')} <span data-testid="application-number">{sub.applicationNumber ?? '—'}</span>
      </Typography.Text>
      <Alert type="info" showIcon title={t(`本次查阅已记入审计日志（事由：${reason}）`, `This view is in the audit log (reason: ${REASONS.find((r) => r.zh === reason)?.en ?? reason})`)} />

      <Card size="small" title={t('办理时限', 'Time limit')}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, md: 4 }}
          items={[
            { key: 'received', label: t('收件时间', 'Received'), children: sub.deliveredAt ? beijingTime(sub.deliveredAt) : '—' },
            { key: 'limit', label: t('承诺时限', 'Time limit'), children: t(`${sub.timeLimitDays} 个工作日`, `${sub.timeLimitDays} working days`) },
            { key: 'due', label: t('截止日期', 'Due'), children: <span data-testid="due-date">{sub.dueDate ?? '—'}</span> },
            { key: 'round', label: t('推送轮次', 'Round'), children: sub.round },
          ]}
        />
      </Card>

      <Card size="small" title={t('申请信息（本部门字段）', "Application data (this department's fields)")}>
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2 }}
          items={fieldNames.map((name) => ({
            key: name,
            label: (
              <span>
                {label(name)}
                {sub.sensitiveFields.includes(name) ? <Tag color="magenta" style={{ marginInlineStart: 4 }}>{t('敏感', 'Sensitive')}</Tag> : null}
              </span>
            ),
            children: (
              <span>
                <span data-testid={`field-${name}`}>{show(sub.fields[name], t)}</span>
                {sub.valueLabels[name] ? <Typography.Text type="secondary">{t(`（${sub.valueLabels[name].zh}）`, ` (${sub.valueLabels[name].en})`)}</Typography.Text> : null}
              </span>
            ),
          }))}
        />
      </Card>

      {Object.keys(sub.inputs).length > 0 && (
        <Card size="small" title={t('前序事项办理结果', 'Results of earlier items')}>
          <Descriptions size="small" column={1} items={Object.entries(sub.inputs).map(([k, v]) => ({ key: k, label: t(sub.inputLabels[k]?.zh ?? k, sub.inputLabels[k]?.en ?? k), children: <span data-testid={`input-${k}`}>{show(v, t)}</span> }))} />
        </Card>
      )}

      <Card size="small" title={t('材料', 'Materials')}>
        <Table<SubMaterial>
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={sub.materials}
          scroll={{ x: 600 }}
          columns={[
            { title: t('材料', 'Material'), key: 'title', render: (_: unknown, m) => (lang === 'en' ? (sub.materialsEn[m.code] ?? m.title) : m.title) },
            { title: t('来源', 'Source'), key: 'disposition', render: (_: unknown, m) => <Tag color={dispositionLabel(m.disposition)?.color}>{t(...(dispositionLabel(m.disposition)?.staff ?? [m.disposition, m.disposition]))}</Tag> },
            {
              title: t('说明', 'Note'),
              key: 'reason',
              render: (_: unknown, m) =>
                m.evidence ? (
                  // A licence fetched through data sharing: what proves it, as the library holds it.
                  <div data-testid={`evidence-${m.code}`}>
                    <div>
                      {t('证照编号：', 'Licence no.: ')}{m.evidence.licenceNumber}
                    </div>
                    <div>
                      {t('发证机关：', 'Issuer: ')}{m.evidence.issuer}
                    </div>
                    <div>
                      {t('有效期：', 'Valid: ')}{m.evidence.issuedOn} {t('至', 'to')} {m.evidence.validUntil ?? t('长期', 'no end')}
                    </div>
                    <Typography.Text type="secondary">
                      {t('获取于', 'Fetched')} {new Date(m.evidence.fetchedAt).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai' })}
                    </Typography.Text>
                  </div>
                ) : m.value !== undefined ? (
                  show(m.value, t)
                ) : (
                  m.reason
                ),
            },
            {
              title: t('文件', 'File'),
              key: 'file',
              render: (_: unknown, m) =>
                m.url ? (
                  <Space>
                    {(m.mime?.startsWith('image/') || m.mime === 'application/pdf') && (
                      <Button size="small" onClick={() => void openMaterial(m, 'view')} data-testid={`view-${m.code}`}>
                        {t('查看', 'View')}
                      </Button>
                    )}
                    <Button size="small" onClick={() => void openMaterial(m, 'download')} data-testid={`download-${m.code}`}>
                      {t('下载', 'Download')}
                    </Button>
                  </Space>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </Card>

      {sub.commitment && <CommitmentPanel commitment={sub.commitment} />}

      {sub.documents.length > 0 && (
        <Card title={t('办结文书', 'Result documents')} size="small">
          <DocumentList documents={sub.documents} reason={reason} />
        </Card>
      )}

      {sub.supplement && (
        <Card size="small" title={t('补正通知', 'Supplement request')}>
          {sub.supplement.reason && <Typography.Paragraph>{sub.supplement.reason}</Typography.Paragraph>}
          {sub.supplement.dueDate && <Typography.Paragraph data-testid="supplement-due">{t(`补正期限：${sub.supplement.dueDate}`, `To be answered by ${sub.supplement.dueDate}`)}</Typography.Paragraph>}
          <Space wrap>
            {sub.supplement.materials.map((m) => (
              <Tag key={m.code} color="orange">{m.title}</Tag>
            ))}
            {sub.supplement.fields.map((f) => (
              <Tag key={f.element} color="gold">{f.title}</Tag>
            ))}
          </Space>
        </Card>
      )}

      {sub.status === 'completed' && (
        <Card size="small" title={t('办结结果', 'Outputs')}>
          <Descriptions size="small" column={1} items={sub.produces.map((p) => ({ key: p.key, label: lang === 'en' ? (sub.producesEn[p.key] ?? p.title) : p.title, children: <span data-testid={`output-${p.key}`}>{show(sub.outputs[p.key], t)}</span> }))} />
        </Card>
      )}
      {sub.status === 'rejected' && sub.reason && <Alert type="warning" showIcon title={t(`不予受理理由：${sub.reason}`, `Rejected: ${sub.reason}`)} />}

      <Card size="small" title={t('办理', 'Actions')}>
        {sub.allowedActions.length === 0 ? (
          <Typography.Text type="secondary">{t('当前状态无可办理的操作', 'Nothing to do in this status')}</Typography.Text>
        ) : (
          <Space wrap>
            {sub.allowedActions.includes('accept') && (
              <Popconfirm title={t('确认受理本事项？', 'Accept this item?')} okText={t('受理', 'Accept')} okButtonProps={{ ...testId('accept-ok') }} cancelText={t('取消', 'Cancel')} onConfirm={() => act({ action: 'accept' }).catch((e: unknown) => message.error(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)))}>
                <Button type="primary" loading={busy} data-testid="action-accept">
                  {t('受理', 'Accept')}
                </Button>
              </Popconfirm>
            )}
            {sub.allowedActions.includes('complete') && (
              <Button type="primary" onClick={() => setDialog('complete')} data-testid="action-complete">
                {t('办结', 'Complete')}
              </Button>
            )}
            {sub.allowedActions.includes('request-supplement') && (
              <Button onClick={() => setDialog('request-supplement')} data-testid="action-supplement">
                {t('补正', 'Request supplement')}
              </Button>
            )}
            {sub.allowedActions.includes('reject') && (
              <Button danger onClick={() => setDialog('reject')} data-testid="action-reject">
                {t('不予受理', 'Reject')}
              </Button>
            )}
          </Space>
        )}
      </Card>

      <Card size="small" title={t('办理记录', 'History')}>
        {sub.history.length ? (
          <Timeline
            items={sub.history.map((h, i) => ({
              key: i,
              title: beijingTime(h.at, 'second'),
              content: (
                <span>
                  {t(...historyLabel(h.status, h.actor, h.note))} <Typography.Text type="secondary" data-testid="history-actor">{t(sub.actorNames[h.actor]?.zh ?? '系统', sub.actorNames[h.actor]?.en ?? 'The platform')}</Typography.Text>
                </span>
              ),
            }))}
          />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        )}
      </Card>

      {dialog === 'reject' && <RejectDialog busy={busy} onCancel={() => setDialog(null)} onSubmit={(reasonText) => act({ action: 'reject', reason: reasonText })} />}
      {dialog === 'request-supplement' && <SupplementDialog busy={busy} sub={sub} onCancel={() => setDialog(null)} onSubmit={(missing, notice) => act({ action: 'request-supplement', missing, reason: notice })} />}
      {dialog === 'complete' && <CompleteDialog busy={busy} sub={sub} onCancel={() => setDialog(null)} onSubmit={(outputs, documents) => act({ action: 'complete', outputs, ...(documents.length ? { documents } : {}) })} />}
      <Modal open={preview !== null} title={preview?.title} footer={null} onCancel={() => setPreview(null)} width={720}>
        {preview && <Image src={preview.url} alt={preview.title} preview={false} />}
      </Modal>
    </Space>
  );
}
