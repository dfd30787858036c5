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
import type { CheckResult, Preview as PreviewData, SourceFile, StudioBundle } from './types';

// Long enough that a burst of typing is one request, short enough to feel live.
const CHECK_DELAY_MS = 350;

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

  // The newest texts, for telling a late lint answer from a current one.
  const filesRef = useRef(files);
  useEffect(() => {
    filesRef.current = files;
  }, [files]);

  // Which version to start from: ?base=, else the newest; and which is the newest, to warn about an older base.
  const [current, setCurrent] = useState<string | null>(null);
  useEffect(() => {
    api<StudioBundle[]>('GET', '/api/studio/bundles').then(
      (list) => {
        const b = list.find((x) => x.id === bundleId);
        if (!b) {
          setLoadError(t(`没有这个一件事：${bundleId}`, `No such bundle: ${bundleId}`));
          return;
        }
        setCurrent(b.current);
        setBase((x) => x ?? b.current);
      },
      (e: unknown) => setLoadError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [bundleId, t]);

  useEffect(() => {
    if (!base) return;
    api<{ files: SourceFile[] }>('GET', `/api/studio/bundles/${encodeURIComponent(bundleId)}/versions/${encodeURIComponent(base)}/files`).then(
      (r) => {
        const texts = Object.fromEntries(r.files.map((f) => [f.path, f.text]));
        setLoaded({ base, texts });
        setFiles(texts);
        setResult(null);
        const own = r.files.find((f) => f.path.startsWith('bundles/') && /^id:\s*["']?([\w-]+)/m.exec(f.text)?.[1] === bundleId);
        setActive(own?.path ?? r.files[0]?.path ?? '');
      },
      (e: unknown) => setLoadError(e instanceof ApiError ? t(e.message, e.messageEn) : String(e)),
    );
  }, [base, bundleId, t]);

  // Edits live in this page only: leaving it with unpublished edits asks first.
  const edited = loaded !== null && Object.entries(files).some(([p, text]) => loaded.texts[p] !== text);
  useEffect(() => {
    // Submitted edits are kept with the proposal: leaving loses nothing.
    if (!edited || submitted) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [edited, submitted]);

  // A different base is loading: nothing to show until its files arrive.
  const original = loaded && loaded.base === base ? loaded.texts : null;
  const changes = useMemo(() => (original ? Object.entries(files).filter(([p, text]) => original[p] !== text).map(([path, text]) => ({ path, text })) : []), [files, original]);

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
