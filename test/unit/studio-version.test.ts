import { describe, it, expect } from 'vitest';
import { bundleVersion, nextVersion, withVersion } from '../../client/src/studio/version.js';

describe('studio: the bundle version line', () => {
  const text = 'id: newborn\ntitle: 新生儿出生一件事\nversion: "1.0.0"  # bumped by the studio\nitems:\n  - item: x\n    version: 9\n';

  it('reads the top-level version, quoted or not', () => {
    expect(bundleVersion(text)).toBe('1.0.0');
    expect(bundleVersion("version: '2'\n")).toBe('2');
    expect(bundleVersion('version: 3.1\n')).toBe('3.1');
    expect(bundleVersion('items:\n  version: 1\n')).toBeNull();
  });

  it('rewrites only that line, keeping its comment', () => {
    const out = withVersion(text, '2.0.0')!;
    expect(out).toBe(text.replace('version: "1.0.0"  # bumped', 'version: "2.0.0" # bumped'));
    expect(bundleVersion(out)).toBe('2.0.0');
    expect(withVersion('id: x\n', '2')).toBeNull();
  });

  it('suggests the next major version', () => {
    expect(nextVersion('1.0.0')).toBe('2.0.0');
    expect(nextVersion('1.4.2')).toBe('2.0.0');
    expect(nextVersion('3')).toBe('4');
    expect(nextVersion('v1.2')).toBe('v2.0');
    expect(nextVersion('beta')).toBe('beta.1');
  });
});
