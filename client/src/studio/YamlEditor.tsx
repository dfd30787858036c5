import { useEffect, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { diagnosticMessage, type Diagnostic } from '../../../shared/diagnostic.js';

/** Where the cursor should go (a click in the problems list); `nonce` makes the same place jumpable twice. */
export interface Jump {
  line: number;
  col: number;
  nonce: number;
}

interface Props {
  /** Identifies the document: a new path starts a new editor state (and undo history). */
  path: string;
  text: string;
  /** The CLI's findings for this file, from the text the editor holds now. */
  diagnostics: readonly Diagnostic[];
  jump?: Jump | null;
  label: string;
  /** The language the findings are shown in. */
  lang: 'zh' | 'en';
  onChange(text: string): void;
}

/**
 * A finding at line:col (1-based) as an editor range: from that column to the end of the token
 * there (a key, a value, a list entry), so the underline covers what the message is about.
 */
export function rangeOf(doc: Text, line: number, col: number): { from: number; to: number } {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  let from = l.from + Math.min(Math.max(0, col - 1), l.length);
  const rest = doc.sliceString(from, l.to);
  const token = /^(?:"[^"]*"|'[^']*'|[^\s,\]}#:]+)/.exec(rest)?.[0] ?? '';
  let to = from + token.length;
  if (to === from) {
    // Nothing token-like here (an empty value, the end of a line): underline the line's text.
    if (l.length === 0) return { from: l.from, to: l.from };
    if (from >= l.to) from = l.to - 1;
    to = Math.max(from + 1, l.to);
  }
  return { from, to };
}

function toCm(doc: Text, diagnostics: readonly Diagnostic[], lang: 'zh' | 'en'): CmDiagnostic[] {
  return diagnostics.map((d) => ({
    ...rangeOf(doc, d.line, d.col),
    severity: d.severity,
    source: d.code,
    message: `${d.line}:${d.col} ${diagnosticMessage(d, lang)}`,
  }));
}

const theme = EditorView.theme({
  '&': { height: '560px', border: '1px solid #d9d9d9', borderRadius: '6px', fontSize: '13px' },
  '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
});

/** CodeMirror 6 with YAML and the lint's findings underlined; no eval, styles as <style> elements (CSP-safe). */
export function YamlEditor({ path, text, diagnostics, jump, label, lang, onChange }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const change = useRef(onChange);
  useEffect(() => {
    change.current = onChange;
  }, [onChange]);

  const stateFor = (doc: string) =>
    EditorState.create({
      doc,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        theme,
        EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'yaml-editor' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) change.current(u.state.doc.toString());
        }),
      ],
    });

  useEffect(() => {
    const v = new EditorView({ state: stateFor(text), parent: host.current! });
    // The scroller takes keyboard focus so a long file can be scrolled without a mouse (read-only files too).
    v.scrollDOM.tabIndex = 0;
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The view is created once; documents are swapped below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Another file: a fresh state. The same file changed from outside (reverted, version bumped): replace the text.
  const shownPath = useRef(path);
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    if (shownPath.current !== path) {
      shownPath.current = path;
      v.setState(stateFor(text));
    } else if (v.state.doc.toString() !== text) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, text]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch(setDiagnostics(v.state, toCm(v.state.doc, diagnostics, lang)));
  }, [diagnostics, path, lang]);

  useEffect(() => {
    const v = view.current;
    if (!v || !jump) return;
    const { from } = rangeOf(v.state.doc, jump.line, jump.col);
    v.dispatch({ selection: { anchor: from }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
    v.focus();
  }, [jump]);

  return <div ref={host} data-path={path} />;
}
