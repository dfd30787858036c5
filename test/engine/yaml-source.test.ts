// Parsing with positions, and hostile input: every case must come back as diagnostics (never
// a throw), and quickly (the suite's timeout would catch a hang).
import { describe, expect, it } from 'vitest';
import { load } from '../../shared/loader.js';
import { parseYaml, pointerToPath } from '../../shared/yaml-source.js';

describe('parseYaml positions', () => {
  const text = ['id: x', 'fields:', '  xm: child.name', '  empty:', 'materials:', '  - idCard', '  - material: photo', '    when: { all: [] }', ''].join('\n');
  const src = parseYaml('items/x.yaml', text);

  it('locates values and keys, 1-based', () => {
    expect(src.diagnostics).toEqual([]);
    expect(src.locate(['id'])).toEqual({ line: 1, col: 5 });
    expect(src.locate(['fields', 'xm'])).toEqual({ line: 3, col: 7 });
    expect(src.locate(['fields', 'xm'], 'key')).toEqual({ line: 3, col: 3 });
    expect(src.locate(['materials', 1, 'material'])).toEqual({ line: 7, col: 15 });
    expect(src.locate(['materials', '0'])).toEqual({ line: 6, col: 5 });
  });

  it('points at the key of an empty value, and at the nearest ancestor of a missing path', () => {
    expect(src.locate(['fields', 'empty'])).toEqual({ line: 4, col: 3 });
    expect(src.locate(['fields', 'nothing', 'deeper'])).toEqual({ line: 3, col: 3 });
    expect(src.locate(['materials', 9])).toEqual({ line: 6, col: 3 });
  });

  it('unescapes JSON pointers', () => {
    expect(pointerToPath('')).toEqual([]);
    expect(pointerToPath('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
  });
});

describe('hostile YAML never crashes or hangs', () => {
  const codes = (text: string): string[] => parseYaml('f.yaml', text).diagnostics.map((d) => d.code);

  it('syntax errors', () => {
    expect(codes('a: [1, 2\nb: c\n')).toContain('yaml-syntax');
    expect(codes('a: 1\na: 2\n')).toEqual(['yaml-syntax']);
    expect(codes('a: 1\n---\nb: 2\n')).toEqual(['yaml-syntax']);
    expect(codes('\u0000\u0001\u0002 binary')).not.toContain('internal');
  });

  it('an alias bomb (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const p = String.fromCharCode(96 + i);
      const q = String.fromCharCode(97 + i);
      lines.push(`${q}: &${q} [${Array(9).fill(`*${p}`).join(',')}]`);
    }
    const src = parseYaml('f.yaml', lines.join('\n'));
    expect(src.value).toBeUndefined();
    expect(src.diagnostics.map((d) => d.code)).toEqual(['yaml-alias-bomb']);
  });

  it('deep flow nesting, refused before the parser recurses', () => {
    const src = parseYaml('f.yaml', `a: ${'['.repeat(400_000)}${']'.repeat(400_000)}`);
    expect(src.diagnostics.map((d) => d.code)).toEqual(['yaml-too-deep']);
    expect(src.diagnostics[0]).toMatchObject({ line: 1, col: 4 + 64 });
  });

  it('deep block nesting', () => {
    let text = '';
    for (let i = 0; i < 200; i++) text += `${' '.repeat(i)}k:\n`;
    expect(codes(text)).toEqual(['yaml-too-deep']);
  });

  it('brackets inside quotes and comments do not count as nesting', () => {
    expect(codes(`a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\n`)).toEqual([]);
  });

  it('too large', () => {
    expect(codes('a: 1\n'.repeat(250_001))).toEqual(['yaml-too-large']);
  });

  it('unknown tags are warnings, not code execution', () => {
    const src = parseYaml('f.yaml', 'a: !!js/function "return 1"\n');
    expect(src.value).toEqual({ a: 'return 1' });
    expect(src.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });

  it('__proto__ keys stay data', () => {
    const src = parseYaml('f.yaml', '__proto__: { polluted: true }\n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(src.value as object)).toEqual(['__proto__']);
  });

  it('through the loader: empty, scalar, list and garbage files are schema errors at a position', () => {
    const { diagnostics } = load([
      { path: 'items/empty.yaml', text: '' },
      { path: 'items/scalar.yaml', text: '# yaml-language-server: $schema=../schema/item.schema.json\n42\n' },
      { path: 'bundles/list.yaml', text: '# yaml-language-server: $schema=../schema/bundle.schema.json\n- a\n- b\n' },
      { path: 'dictionary.yaml', text: '# yaml-language-server: $schema=schema/dictionary.schema.json\nelements:\n  Bad.Id: { title: x }\n' },
    ]);
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`);
    expect(errors).toEqual([
      'bundles/list.yaml:2:1 (top level): must be object, not ["a","b"]',
      'dictionary.yaml:3:3 elements: name "Bad.Id" must match pattern "^[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)+$"',
      'dictionary.yaml:3:11 elements.Bad.Id: missing required property "schema"',
      'dictionary.yaml:3:11 elements.Bad.Id: missing required property "titleEn"',
      'items/empty.yaml:1:1 (top level): must be object, not null',
      'items/scalar.yaml:2:1 (top level): must be object, not 42',
    ]);
  });
});
