// One finding about a scenario file. Every producer (YAML parser, JSON Schema validation,
// lint) speaks this shape so the CLI, the designer studio and tests print and compare them
// the same way. Lines and columns are 1-based, like a compiler's.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly severity: Severity;
  /** Stable machine name of the rule, e.g. `unknown-element`; tests and editors key on it. */
  readonly code: string;
  /** In English, like a compiler's; quotes the Chinese titles of what it is about. */
  readonly message: string;
  /** The same finding in Chinese (shared/lint-messages.ts), for the studio in Chinese. */
  readonly messageZh: string;
}

/** The message in the reader's language. */
export function diagnosticMessage(d: Pick<Diagnostic, 'message' | 'messageZh'>, lang: 'zh' | 'en'): string {
  return lang === 'zh' ? d.messageZh : d.message;
}

/** `items/birth-registration.yaml:12:9: 错误：… [unknown-element]` */
export function formatDiagnosticZh(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity === 'error' ? '错误' : '警告'}：${d.messageZh} [${d.code}]`;
}

/** `items/birth-registration.yaml:12:9: error: … [unknown-element]` */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.col !== b.col) return a.col - b.col;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `2 errors, 1 warning in 31 files` — the last line of `scenario lint`. */
export function summarise(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(fileCount, 'file')}`;
}
