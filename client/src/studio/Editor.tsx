import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, Form, Input, Modal, Row, Select, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { formatDiagnostic, formatDiagnosticZh, type Diagnostic } from '../../../shared/diagnostic.js';
import { YamlEditor, type Jump } from './YamlEditor';
import { Preview } from './Preview';
import { zip } from './zip';
import { saveFile } from '../components/save-file';
import { bundleVersion, nextVersion, withVersion } from './version';
import type { CheckResult, Preview as PreviewData, SourceFile, StudioBundle, StudioDraft } from './types';
import { beijingTime } from '../../../shared/beijing-time.js';

// Long enough that a burst of typing is one request, short enough to feel live.
const CHECK_DELAY_MS = 350;
// The draft is saved on the server a moment after typing pauses.
const SAVE_DELAY_MS = 800;

type Change = { path: string; text: string };

/** The published texts with a saved draft's edits applied. */
function withDraft(texts: Record<string, string>, draft: StudioDraft): Record<string, string> {
  const out = { ...texts };
  for (const p of draft.removed) delete out[p];
  for (const c of draft.changes) out[c.path] = c.text;
  return out;
}

/** data-* attributes pass through antd's button props, which do not declare them. */
const testId = (id: string): Record<string, string> => ({ 'data-testid': id });

/**
 * The designer's editor for one bundle: the published files of a base version, edited in
 * CodeMirror, linted on the server by the CLI's check() after every pause in typing (the
 * browser cannot run the loader: its Ajv compiles schemas with `new Function`, which the CSP
 * forbids), previewed for answers the designer tries, and published as a new version.
 */
export default function Editor() {
  const { bundleId = '' } = useParams();
  const [params] = useSearchParams();
  const { t, lang } = useI18n();
  const { message } = App.useApp();

  const [base, setBase] = useState<string | null>(params.get('base'));
  const [loaded, setLoaded] = useState<{ base: string; texts: Record<string, string> } | null>(null);
  const [files, setFiles] = useState<Record<string, string>>({});
  const [active, setActive] = useState<string>('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [result, setResult] = useState<CheckResult | null>(null);
  const [preview, setPreview] = useState<PreviewData | null>(null);
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [jump, setJump] = useState<Jump | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);
  const [newVersion, setNewVersion] = useState('');
  const [publishErrors, setPublishErrors] = useState<string[]>([]);
  const [submitted, setSubmitted] = useState<string | null>(null);
  const [newFileOpen, setNewFileOpen] = useState(false);
  const [newFileName, setNewFileName] = useState('');
  // The designer's draft saved on the server: undefined until asked, null when there is none.
  const [stored, setStored] = useState<StudioDraft | null | undefined>(undefined);
  const [restoredAt, setRestoredAt] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  // The changes as last saved on the server ('[]': no draft there), to save only what is new.
  const lastSaved = useRef('[]');

  // The newest texts, for telling a late lint answer from a current one.
  const filesRef = useRef(files);
  useEffect(() => {
    filesRef.current = files;
  }, [files]);

  // Which version to start from: ?base=, else the newest; and which is the newest, to warn about an older base.
  const [current, setCurrent] = useState<string | null>(null);
  const draftUrl = `/api/studio/bundles/${encodeURIComponent(bundleId)}/draft`;
  useEffect(() => {
    Promise.all([api<StudioBundle[]>('GET', '/api/studio/bundles'), api<{ draft: StudioDraft | null }>('GET', draftUrl)]).then(
      ([list, { draft }]) => {
        const b = list.find((x) => x.id === bundleId);
        if (!b) {
          setLoadError(t(`没有这个一件事：${bundleId}`, `No such bundle: ${bundleId}`));
          return;
        }
        setCurrent(b.current);
        setStored(draft);
        // The designer comes back to their draft, on the version it was made from.
        setBase((x) => x ?? draft?.base ?? b.current);
      },
      (e: unknown) => setLoadError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [bundleId, draftUrl, t]);

  useEffect(() => {
    if (!base || stored === undefined) return;
    api<{ files: SourceFile[] }>('GET', `/api/studio/bundles/${encodeURIComponent(bundleId)}/versions/${encodeURIComponent(base)}/files`).then(
      (r) => {
        const texts = Object.fromEntries(r.files.map((f) => [f.path, f.text]));
        setLoaded({ base, texts });
        const draft = stored?.base === base ? stored : null;
        setFiles(draft ? withDraft(texts, draft) : texts);
        if (draft) {
          setRestoredAt(draft.savedAt);
          setSavedAt(draft.savedAt);
          lastSaved.current = JSON.stringify(draft.changes);
        }
        setResult(null);
        const own = r.files.find((f) => f.path.startsWith('bundles/') && /^id:\s*["']?([\w-]+)/m.exec(f.text)?.[1] === bundleId);
        setActive(own?.path ?? r.files[0]?.path ?? '');
      },
      (e: unknown) => setLoadError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [base, bundleId, stored, t]);

  // A different base is loading: nothing to show until its files arrive.
  const original = loaded && loaded.base === base ? loaded.texts : null;
  const changes = useMemo<Change[]>(() => (original ? Object.entries(files).filter(([p, text]) => original[p] !== text).map(([path, text]) => ({ path, text })) : []), [files, original]);

  // Drafts are kept on the server: after each pause the edits are saved (none left: the draft is
  // removed). Submitted edits live in the proposal, which removed the draft.
  const saveDraft = useCallback(
    (from: string, edits: Change[]) => {
      const body = JSON.stringify(edits);
      if (body === lastSaved.current) return;
      setSaving(true);
      const done = edits.length ? api<StudioDraft>('PUT', draftUrl, { base: from, changes: edits }).then((d) => d.savedAt) : api<undefined>('DELETE', draftUrl).then(() => null);
      done
        .then((at) => {
          lastSaved.current = body;
          setSavedAt(at);
          setSaveError(null);
        })
        .catch((e: unknown) => setSaveError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)))
        .finally(() => setSaving(false));
    },
    [draftUrl, t],
  );
  const pending = useRef<(() => void) | null>(null);
  useEffect(() => {
    if (!original || !base || submitted || JSON.stringify(changes) === lastSaved.current) {
      pending.current = null;
      return;
    }
    const flush = () => saveDraft(base, changes);
    pending.current = flush;
    const timer = setTimeout(() => {
      pending.current = null;
      flush();
    }, SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [changes, original, base, submitted, saveDraft]);
  // Leaving the editor inside the app within the pause still saves.
  useEffect(() => () => pending.current?.(), []);

  // Leaving the browser page before the newest edits reached the server asks first.
  const changesRef = useRef(changes);
  useEffect(() => {
    changesRef.current = changes;
  }, [changes]);
  useEffect(() => {
    if (submitted) return;
    const warn = (e: BeforeUnloadEvent) => {
      if (JSON.stringify(changesRef.current) !== lastSaved.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [submitted]);

  const discardDraft = () => {
    if (!original) return;
    setFiles(original);
    setRestoredAt(null);
    pending.current = null;
    api<undefined>('DELETE', draftUrl).then(
      () => {
        lastSaved.current = '[]';
        setSavedAt(null);
        message.success(t('已放弃草稿', 'Draft discarded'));
      },
      (e: unknown) => setSaveError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  };

  // Live lint and preview: after each pause, the draft goes to check(); only the newest answer counts.
  const seq = useRef(0);
  useEffect(() => {
    if (!original || !base) return;
    const mine = ++seq.current;
    const sent = files;
    const timer = setTimeout(() => {
      setChecking(true);
      api<CheckResult>('POST', `/api/studio/bundles/${encodeURIComponent(bundleId)}/check`, { base, changes, answers, lang })
        .then((r) => {
          if (mine !== seq.current || sent !== filesRef.current) return;
          setResult(r);
          setCheckError(null);
          if (r.preview) setPreview(r.preview);
        })
        .catch((e: unknown) => {
          if (mine === seq.current) setCheckError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e));
        })
        .finally(() => {
          if (mine === seq.current) setChecking(false);
        });
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [files, answers, lang, original, base, bundleId, changes, t]);

  const byFile = useMemo(() => {
    const m = new Map<string, Diagnostic[]>();
    for (const d of result?.diagnostics ?? []) m.set(d.file, [...(m.get(d.file) ?? []), d]);
    return m;
  }, [result]);
  const activeDiagnostics = useMemo(() => byFile.get(active) ?? [], [byFile, active]);

  const bundleFile = result?.bundle?.file ?? Object.keys(files).find((p) => p.startsWith('bundles/') && /^id:\s*["']?([\w-]+)/m.exec(files[p] ?? '')?.[1] === bundleId) ?? '';
  const version = bundleVersion(files[bundleFile] ?? '');
  const errors = result?.errors ?? 0;

  const onChange = useCallback(
    (text: string) => {
      setFiles((f) => (f[active] === text ? f : { ...f, [active]: text }));
    },
    [active],
  );

  const goTo = (d: Diagnostic) => {
    setActive(d.file);
    setJump((j) => ({ line: d.line, col: d.col, nonce: (j?.nonce ?? 0) + 1 }));
  };

  const openPublish = () => {
    setNewVersion(version && version !== base ? version : nextVersion(base ?? version ?? '1.0.0'));
    setPublishErrors([]);
    setPublishOpen(true);
  };

  const publish = async () => {
    if (!original || !base || !bundleFile) return;
    const v = newVersion.trim();
    if (!/^[\w.+-]{1,40}$/.test(v)) {
      setPublishErrors([t('版本号只能包含字母、数字和 . + - _', 'A version may contain letters, digits and . + - _ only')]);
      return;
    }
    const text = withVersion(files[bundleFile] ?? '', v);
    if (text === null) {
      setPublishErrors([t(`${bundleFile} 中没有顶层的 version: 行`, `${bundleFile} has no top-level version: line`)]);
      return;
    }
    const next = { ...files, [bundleFile]: text };
    setFiles(next);
    setPublishing(true);
    try {
      const body = { base, changes: Object.entries(next).filter(([p, x]) => original[p] !== x).map(([path, x]) => ({ path, text: x })) };
      // 四眼原则: the version is published only when a reviewer approves; the edits stay here until then.
      const r = await api<{ proposal: { version: string } }>('POST', `/api/studio/bundles/${encodeURIComponent(bundleId)}/versions`, body);
      setPublishOpen(false);
      setSubmitted(r.proposal.version);
      message.success(t(`已提交审核：版本 ${r.proposal.version} 经审核人员批准后发布`, `Submitted for review: version ${r.proposal.version} is published once a reviewer approves it`));
    } catch (e) {
      if (e instanceof ApiError) setPublishErrors([t(e.message, e.messageEn), ...e.details.map((d) => `${d.path}: ${t(d.message, d.messageEn ?? d.message)}`)]);
      else setPublishErrors([String(e)]);
    } finally {
      setPublishing(false);
    }
  };

  const exportZip = () => {
    const list = Object.keys(files)
      .sort()
      .map((path) => ({ path, text: files[path]! }));
    saveFile(new Blob([zip(list)], { type: 'application/zip' }), `${bundleId}-${version ?? base ?? 'draft'}-scenarios.zip`);
  };

  const addFile = () => {
    const id = newFileName.trim();
    if (!/^[a-z][a-z0-9-]*$/.test(id)) return;
    const path = `items/${id}.yaml`;
    if (!files[path]) {
      setFiles((f) => ({
        ...f,
        [path]: `# yaml-language-server: $schema=../schema/item.schema.json\nid: ${id}\ntitle: \ntitleEn: \ndepartment: \ntimeLimitDays: 5\nfields: {}\n`,
      }));
    }
    setActive(path);
    setNewFileOpen(false);
    setNewFileName('');
  };

  if (loadError) return <Alert type="error" title={loadError} showIcon />;
  if (!original) return <Spin style={{ display: 'block', margin: 48 }} />;

  const fileOptions = (() => {
    const paths = Object.keys(files).sort();
    const items = preview?.form ? new Set(preview.evaluation.items.map((i) => `items/${i.id}.yaml`)) : new Set<string>();
    const group = (p: string) => (p === bundleFile ? 0 : items.has(p) ? 1 : !p.includes('/') ? 2 : 3);
    const labels = [t('本一件事', 'This bundle'), t('本一件事的事项', "This bundle's items"), t('公共文件', 'Shared files'), t('其他文件', 'Other files')];
    return labels
      .map((label, g) => ({
        label,
        options: paths
          .filter((p) => group(p) === g)
          .map((p) => {
            const n = (byFile.get(p) ?? []).filter((d) => d.severity === 'error').length;
            return { value: p, label: `${p}${original[p] !== files[p] ? ' ●' : ''}${n ? `  ✖ ${n}` : ''}` };
          }),
      }))
      .filter((g) => g.options.length);
  })();

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/studio">← {t('全部一件事', 'All bundles')}</Link>
      <Space wrap align="center">
        <Typography.Title level={2} style={{ margin: 0 }}>
          {result?.bundle ? (lang === 'en' ? result.bundle.titleEn : result.bundle.title) : bundleId}
        </Typography.Title>
        <Tag>{t(`基于已发布版本 ${base}`, `from published ${base}`)}</Tag>
        {submitted && (
          <Tag color="gold" data-testid="submitted">
            {t(`已提交审核（版本 ${submitted}）`, `Submitted for review (version ${submitted})`)}
          </Tag>
        )}
        {changes.length > 0 && <Tag color="orange">{t(`${changes.length} 个文件已修改`, `${changes.length} file(s) edited`)}</Tag>}
        {!submitted && (
          <span data-testid="draft-status" aria-live="polite">
            {saveError ? (
              <Tag color="red">{t(`草稿未能保存：${saveError}`, `Draft not saved: ${saveError}`)}</Tag>
            ) : saving ? (
              <Tag>{t('正在保存草稿…', 'Saving the draft…')}</Tag>
            ) : savedAt && changes.length > 0 ? (
              <Tag color="blue">{t(`草稿已保存 ${beijingTime(savedAt, 'second')}`, `Draft saved ${beijingTime(savedAt, 'second')}`)}</Tag>
            ) : null}
          </span>
        )}
        <span data-testid="lint-status" aria-live="polite">
          {checking ? (
            <Tag>{t('检查中…', 'Checking…')}</Tag>
          ) : result ? (
            errors ? (
              <Tag color="red">{t(`${errors} 个错误，${result.warnings} 个警告`, `${errors} error(s), ${result.warnings} warning(s)`)}</Tag>
            ) : (
              <Tag color="green">{t(`检查通过（${result.warnings} 个警告）`, `Lints clean (${result.warnings} warning(s))`)}</Tag>
            )
          ) : null}
        </span>
      </Space>
      {current && base && current !== base && (
        <Alert
          type="warning"
          showIcon
          data-testid="old-base"
          title={t(`正在基于旧版本 ${base} 编辑，最新版本是 ${current}：发布的新版本只包含这里的文件，${current} 中的修改不会带入。`, `Editing from ${base}, not the newest ${current}: a version published from here has these files only, without the changes made in ${current}.`)}
        />
      )}
      {restoredAt && changes.length > 0 && !submitted && (
        <Alert
          type="info"
          showIcon
          data-testid="draft-restored"
          title={t(`已恢复您在 ${beijingTime(restoredAt)} 保存的草稿（基于版本 ${base}）。`, `Your draft saved ${beijingTime(restoredAt)} (from version ${base}) is restored.`)}
          action={
            <Button size="small" danger onClick={discardDraft} data-testid="discard-draft">
              {t('放弃草稿', 'Discard the draft')}
            </Button>
          }
        />
      )}
      {stored && stored.base !== base && (
        <Alert
          type="warning"
          showIcon
          data-testid="draft-elsewhere"
          title={t(
            `您有一份基于版本 ${stored.base} 的草稿（保存于 ${beijingTime(stored.savedAt)}），在这里修改会替换它。`,
            `You have a draft from version ${stored.base} (saved ${beijingTime(stored.savedAt)}); editing here replaces it.`,
          )}
          action={<Link to={`/studio/${encodeURIComponent(bundleId)}?base=${encodeURIComponent(stored.base)}`} reloadDocument>{t('打开该草稿', 'Open that draft')}</Link>}
        />
      )}
      {checkError && <Alert type="error" title={checkError} showIcon />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card
            size="small"
            title={
              <Select
                showSearch
                aria-label={t('选择文件', 'File')}
                data-testid="file-select"
                value={active}
                onChange={setActive}
                options={fileOptions}
                style={{ width: '100%', maxWidth: 420 }}
              />
            }
            extra={
              <Space wrap>
                <Button size="small" onClick={() => setNewFileOpen(true)}>
                  {t('新建事项', 'New item')}
                </Button>
                <Button size="small" onClick={() => setFiles(original)} disabled={!changes.length}>
                  {t('还原', 'Revert')}
                </Button>
                <Button size="small" onClick={exportZip} data-testid="export">
                  {t('导出文件', 'Export files')}
                </Button>
                <Tooltip title={errors ? t('有错误的场景不能发布', 'Files with errors cannot be published') : ''}>
                  <Button size="small" type="primary" onClick={openPublish} disabled={errors > 0 || checking || !result} data-testid="publish">
                    {t('发布新版本', 'Publish a new version')}
                  </Button>
                </Tooltip>
              </Space>
            }
          >
            <YamlEditor path={active} text={files[active] ?? ''} diagnostics={activeDiagnostics} jump={jump} label={t(`编辑 ${active}`, `Editing ${active}`)} lang={lang} onChange={onChange} />
          </Card>
          <Card size="small" title={<Badge count={result?.diagnostics.length ?? 0} offset={[14, 0]} color={errors ? 'red' : 'gold'}>{t('问题', 'Problems')}</Badge>} style={{ marginTop: 16 }}>
            {(result?.diagnostics.length ?? 0) === 0 ? (
              <Typography.Text type="secondary">{t('没有问题', 'No problems')}</Typography.Text>
            ) : (
              <ul className="studio-problems" style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: 240, overflow: 'auto' }}>
                {result!.diagnostics.map((d, i) => (
                  <li key={i} style={{ padding: '4px 0', borderBottom: '1px solid #f0f0f0' }}>
                    <button type="button" onClick={() => goTo(d)} data-testid="problem" style={{ all: 'unset', cursor: 'pointer', display: 'block', width: '100%' }}>
                      <Typography.Text type={d.severity === 'error' ? 'danger' : 'warning'} style={{ fontFamily: 'monospace', fontSize: 12 }}>
                        {lang === 'zh' ? formatDiagnosticZh(d) : formatDiagnostic(d)}
                      </Typography.Text>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('预览（与群众所见一致）', 'Preview (as the citizen sees it)')}>
            <Preview preview={preview} stale={errors > 0} answers={answers} onAnswers={setAnswers} />
          </Card>
        </Col>
      </Row>

      <Modal
        open={publishOpen}
        title={t('发布新版本', 'Publish a new version')}
        okText={t('提交审核', 'Submit for review')}
        cancelText={t('取消', 'Cancel')}
        okButtonProps={{ loading: publishing, ...testId('publish-ok') }}
        onOk={() => void publish()}
        onCancel={() => setPublishOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph>
          {t(
            '提交后由另一位审核人员（四眼原则）审核，批准后发布，发布后该版本不可修改。新的申请将使用新版本；已提交或已开始的申请继续使用原版本。',
            'Another person reviews it (four eyes) and, once approved, it is published and immutable. New applications use it; applications already started keep their version.',
          )}
        </Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t(`新版本号（当前 ${base}）`, `New version (current ${base})`)} required>
            <Input value={newVersion} onChange={(e) => setNewVersion(e.target.value)} data-testid="publish-version" />
          </Form.Item>
        </Form>
        {publishErrors.length > 0 && <Alert type="error" showIcon title={publishErrors[0]} description={publishErrors.slice(1).map((x) => <div key={x}>{x}</div>)} />}
      </Modal>

      <Modal open={newFileOpen} title={t('新建事项文件', 'New item file')} okText={t('新建', 'Create')} cancelText={t('取消', 'Cancel')} onOk={addFile} onCancel={() => setNewFileOpen(false)} destroyOnHidden>
        <Form layout="vertical">
          <Form.Item label={t('事项编号（小写字母、数字和连字符）', 'Item id (lower case, digits, hyphens)')} validateStatus={newFileName && !/^[a-z][a-z0-9-]*$/.test(newFileName) ? 'error' : undefined}>
            <Space.Compact style={{ width: '100%' }}>
              <Button disabled>items/</Button>
              <Input value={newFileName} onChange={(e) => setNewFileName(e.target.value)} aria-label={t('事项编号', 'Item id')} />
              <Button disabled>.yaml</Button>
            </Space.Compact>
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
