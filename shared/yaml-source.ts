// YAML parsing that never throws and remembers where every value came from.
//
// Scenario files are written by people (and pasted into the browser studio), so a file may be
// malformed or hostile: a syntax error, an alias bomb ("billion laughs"), megabytes of text,
// or thousands of nested brackets. Each of those becomes a diagnostic with a position; the
// parse is bounded in time and memory because the limits are checked before the expensive
// step (size and bracket depth before parsing, alias expansion during toJS).
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { enOf, zhOf, type Said } from './lint-messages.js';

export interface SourceFile {
  /** Path relative to the scenarios folder, with forward slashes: `items/birth-registration.yaml`. */
  readonly path: string;
  readonly text: string;
}

export type PathSegment = string | number;

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface YamlLimits {
  /** Characters, not bytes: the browser gets a string, and the bound only has to be coarse. */
  readonly maxChars: number;
  readonly maxDepth: number;
  /** Alias dereferences allowed during conversion; anchors are rare in scenario files. */
  readonly maxAliasCount: number;
  /** Parser errors reported per file; a broken file can produce thousands. */
  readonly maxErrors: number;
}

export const DEFAULT_LIMITS: YamlLimits = {
  maxChars: 1_000_000,
  maxDepth: 64,
  maxAliasCount: 100,
  maxErrors: 5,
};

export interface YamlSource {
  readonly file: string;
  /** The plain JS value; `undefined` when the file could not be parsed at all. */
  readonly value: unknown;
  readonly diagnostics: readonly Diagnostic[];
  /** Position of the value (or with `part: 'key'`, the key) at `path`; the nearest existing ancestor otherwise. */
  locate(path: readonly PathSegment[], part?: 'key' | 'value'): Position;
}

const START: Position = { line: 1, col: 1 };

/** `/fields/xsexm~1a` → `['fields', 'xsexm/a']` (RFC 6901 unescaping). */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// Counting brackets outside quotes and comments is enough to refuse `[[[[…` before the parser
// recurses into it; block nesting is bounded by the size limit and checked after parsing.
function flowDepth(text: string, limit: number): { depth: number; offset: number } {
  let depth = 0;
  let max = 0;
  // Where nesting first went past the limit: the place to start simplifying.
  let at = 0;
  let quote = '';
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (comment) {
      if (ch === '\n') comment = false;
      continue;
    }
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") {
      const prev = i > 0 ? text[i - 1] : ' ';
      if (prev === ' ' || prev === '[' || prev === '{' || prev === ',' || prev === ':' || prev === '\n' || prev === '-') quote = ch;
    } else if (ch === '#') {
      const prev = i > 0 ? text[i - 1] : ' ';
      if (prev === ' ' || prev === '\n' || prev === '\t') comment = true;
    } else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > max) {
        max = depth;
        if (depth === limit + 1) at = i;
      }
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return { depth: max, offset: at };
}

function nodeDepth(doc: Document): { depth: number; offset: number } {
  let max = 0;
  let at = 0;
  const stack: Array<[unknown, number]> = [[doc.contents, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (isMap(node) || isSeq(node)) {
      if (depth > max) {
        max = depth;
        at = node.range?.[0] ?? 0;
      }
      for (const item of node.items) {
        if (isPair(item)) {
          stack.push([item.key, depth + 1]);
          stack.push([item.value, depth + 1]);
        } else stack.push([item, depth + 1]);
      }
    }
  }
  return { depth: max, offset: at };
}

function failed(file: string, diagnostics: Diagnostic[], locate?: YamlSource['locate']): YamlSource {
  return { file, value: undefined, diagnostics, locate: locate ?? (() => START) };
}

export function parseYaml(file: string, text: string, limits: YamlLimits = DEFAULT_LIMITS): YamlSource {
  const diag = (pos: Position, code: string, message: string | Said, severity: 'error' | 'warning' = 'error'): Diagnostic => ({
    file,
    line: pos.line,
    col: pos.col,
    severity,
    code,
    message: enOf(message),
    messageZh: zhOf(code, message),
  });
  try {
    if (text.length > limits.maxChars) {
      return failed(file, [
        diag(START, 'yaml-too-large', { zh: `文件有 ${text.length} 个字符，上限为 ${limits.maxChars}`, en: `file is ${text.length} characters long; the limit is ${limits.maxChars}` }),
      ]);
    }
    const lineCounter = new LineCounter();
    const flow = flowDepth(text, limits.maxDepth);
    if (flow.depth > limits.maxDepth) {
      // Only the line index is needed for the position; the text is not parsed.
      lineCounter.addNewLine(0);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
      return failed(file, [
        diag(lineCounter.linePos(flow.offset), 'yaml-too-deep', { zh: `嵌套 ${flow.depth} 层，上限为 ${limits.maxDepth} 层`, en: `nesting is ${flow.depth} levels deep; the limit is ${limits.maxDepth}` }),
      ]);
    }
    const doc = parseDocument(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
    });
    const pos = (offset: number): Position => lineCounter.linePos(offset);
    const locate = makeLocator(doc, pos);
    const diagnostics: Diagnostic[] = [];
    for (const e of doc.errors.slice(0, limits.maxErrors)) {
      const code = e.code === 'RESOURCE_EXHAUSTION' ? 'yaml-too-deep' : 'yaml-syntax';
      const message: string | Said =
        e.code === 'RESOURCE_EXHAUSTION'
          ? { zh: `嵌套过深，无法解析（${e.message}）`, en: `nesting is too deep to parse (${e.message})` }
          : e.code === 'DUPLICATE_KEY'
            ? { zh: '键重复：同一映射中每个键只能出现一次', en: 'duplicate key: each key may appear once in a mapping' }
            : e.message.split('\n')[0] ?? e.message;
      diagnostics.push(diag(pos(e.pos[0]), code, message));
    }
    if (doc.errors.length > limits.maxErrors) {
      diagnostics.push(diag(pos(doc.errors[limits.maxErrors]?.pos[0] ?? 0), 'yaml-syntax', { zh: `另有 ${doc.errors.length - limits.maxErrors} 处语法错误未显示`, en: `${doc.errors.length - limits.maxErrors} more syntax errors not shown` }));
    }
    for (const w of doc.warnings.slice(0, limits.maxErrors)) {
      diagnostics.push(diag(pos(w.pos[0]), 'yaml-syntax', w.message.split('\n')[0] ?? w.message, 'warning'));
    }
    if (doc.errors.length > 0) return failed(file, diagnostics, locate);

    const depth = nodeDepth(doc);
    if (depth.depth > limits.maxDepth) {
      diagnostics.push(diag(pos(depth.offset), 'yaml-too-deep', { zh: `嵌套 ${depth.depth} 层，上限为 ${limits.maxDepth} 层`, en: `nesting is ${depth.depth} levels deep; the limit is ${limits.maxDepth}` }));
      return failed(file, diagnostics, locate);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (e) {
      const aliasBomb = e instanceof ReferenceError && /alias/i.test(e.message);
      diagnostics.push(
        diag(
          START,
          aliasBomb ? 'yaml-alias-bomb' : 'yaml-syntax',
          aliasBomb
            ? { zh: `别名展开过多（超过 ${limits.maxAliasCount} 次引用），疑似“十亿笑声”攻击文件，拒绝读取`, en: `aliases expand too much (more than ${limits.maxAliasCount} dereferences): refusing a possible "billion laughs" file` }
            : `cannot convert the document: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
      return failed(file, diagnostics, locate);
    }
    return { file, value, diagnostics, locate };
  } catch (e) {
    // The parser caught its own stack overflows in every case tried; this is the last guard.
    return failed(file, [diag(START, 'yaml-syntax', `cannot parse: ${e instanceof Error ? e.message : String(e)}`)]);
  }
}

function makeLocator(doc: Document, pos: (offset: number) => Position): YamlSource['locate'] {
  return (path, part = 'value') => {
    let node: unknown = doc.contents;
    let best: Position = node && (node as YamlNode).range ? pos((node as YamlNode).range?.[0] ?? 0) : START;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return best;
        const keyNode = pair.key as YamlNode;
        const keyPos = keyNode.range ? pos(keyNode.range[0]) : best;
        if (last && part === 'key') return keyPos;
        const valueNode = pair.value as YamlNode | null;
        // `key:` with nothing after it has a null value node; point at the key instead.
        const empty = !valueNode?.range || (isScalar(valueNode) && valueNode.value === null && valueNode.range[0] === valueNode.range[1]);
        best = empty ? keyPos : pos(valueNode.range?.[0] ?? 0);
        node = valueNode;
      } else if (isSeq(node)) {
        const index = typeof seg === 'number' ? seg : Number(seg);
        const item = Number.isInteger(index) ? (node.items[index] as YamlNode | undefined) : undefined;
        if (!item) return best;
        best = item.range ? pos(item.range[0]) : best;
        node = item;
      } else return best;
    }
    return best;
  };
}
