// The one regular-expression engine for patterns that come from scenario data (a field's
// `pattern`, an output's): RE2 (re2js, pure JavaScript), on the server, in the lint and in the
// browser alike. A JavaScript RegExp backtracks, so `^([\u4e00-\u9fa5]+·?)+$` against 29 Chinese
// characters and "!" blocks the process for seconds, doubling with every character; RE2 matches
// in time linear in the input, whatever the pattern. The price: no lookaround, no backreferences.
//
// Designers write patterns as JSON Schema (ECMAScript) spells them; the JavaScript-only escapes
// are translated here, once, so today's scenario files keep working: `\uXXXX` and `\u{…}` become
// RE2's `\x{…}`, `(?<name>…)` becomes `(?P<name>…)` (re2js's translateRegExp), and
// `\p{Script=Han}` / `\p{sc=Han}` become RE2's `\p{Han}`. Anything RE2 still cannot compile is
// refused: by the lint at publish, with the file, line and column.
import { RE2JS } from 're2js';

/** A compiled pattern: what Ajv's RegExpLike asks for. */
export interface Pattern {
  test(s: string): boolean;
  /** The source: Ajv keys its compiled patterns by `toString()`, so two patterns must differ. */
  toString(): string;
}

/** A pattern RE2 cannot compile (a lookahead, a backreference, a syntax error). */
export class PatternSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'PatternSyntaxError';
  }
}

// ECMAScript's long script names; RE2 knows the script by its bare name.
const SCRIPT_PROPERTY = /\\([pP])\{(?:Script|sc)=([A-Za-z_]+)\}/g;

/** The RE2 spelling of an ECMAScript pattern (with the `u` flag), for RE2JS.compile. */
export function toRe2Syntax(pattern: string): string {
  return RE2JS.translateRegExp(pattern.replace(SCRIPT_PROPERTY, (_m, p: string, name: string) => `\\${p}{${name}}`));
}

// Published bundles name a bounded set of patterns; the bound only guards against a caller that
// compiles arbitrary strings.
const CACHE_LIMIT = 1000;
const cache = new Map<string, Pattern | PatternSyntaxError>();

function compiled(pattern: string): Pattern | PatternSyntaxError {
  let entry = cache.get(pattern);
  if (entry === undefined) {
    try {
      const re = RE2JS.compile(toRe2Syntax(pattern));
      // RE2JS#test searches (unanchored), as RegExp#test and JSON Schema's `pattern` do.
      entry = { test: (s: string) => re.test(s), toString: () => `/${pattern}/u` };
    } catch (e) {
      entry = new PatternSyntaxError(pattern, e instanceof Error ? e.message : String(e));
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, entry);
  }
  return entry;
}

/** The compiled pattern; throws PatternSyntaxError when RE2 cannot compile it. */
export function compilePattern(pattern: string): Pattern {
  const entry = compiled(pattern);
  if (entry instanceof PatternSyntaxError) throw entry;
  return entry;
}

/** Why RE2 cannot compile `pattern`, or null when it can. */
export function patternProblem(pattern: string): string | null {
  const entry = compiled(pattern);
  return entry instanceof PatternSyntaxError ? entry.message : null;
}

/**
 * Whether `pattern` refuses `value` (JSON Schema's `pattern`: a match anywhere passes). A pattern
 * RE2 cannot compile refuses nothing here: the lint refuses it at publish.
 */
export function patternRefuses(pattern: string, value: string): boolean {
  const entry = compiled(pattern);
  return !(entry instanceof PatternSyntaxError) && !entry.test(value);
}

/**
 * Ajv's `code.regExp` option: every `pattern` (and `patternProperties`) an Ajv instance compiles
 * runs on RE2. Ajv passes the `u` flag always; RE2 is Unicode-aware without it. `code` only
 * matters to standalone code generation, which this project does not use.
 */
export const ajvRegExp: ((pattern: string, flags: string) => Pattern) & { readonly code: string } = Object.assign((pattern: string): Pattern => compilePattern(pattern), {
  code: 'require("re2js").RE2JS',
});
