// The bundle file's top-level `version:` line, read and rewritten as text so the designer's
// comments and layout survive (a YAML round trip would reformat the file).

const VERSION_LINE = /^version:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#]+))[ \t]*(#.*)?$/m;

export function bundleVersion(text: string): string | null {
  const m = VERSION_LINE.exec(text);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}

/** The text with its version replaced (quoted, so 2.0 stays a string); null without a version line. */
export function withVersion(text: string, version: string): string | null {
  if (!VERSION_LINE.test(text)) return null;
  return text.replace(VERSION_LINE, (_line, _d, _s, _p, comment: string | undefined) => `version: "${version}"${comment ? ` ${comment}` : ''}`);
}

/** The next major version: 1.0.0 → 2.0.0, 3 → 4, v1.2 → v2.0; anything else gets ".1" appended. */
export function nextVersion(version: string): string {
  const m = /^(v?)(\d+)((?:\.\d+)*)$/.exec(version);
  if (!m) return `${version}.1`;
  return `${m[1]}${Number(m[2]) + 1}${m[3]!.replace(/\d+/g, '0')}`;
}
