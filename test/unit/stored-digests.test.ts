import { describe, expect, it } from 'vitest';
import { StoredDigests } from '../../server/materials/store.js';

describe('StoredDigests (what a material store remembers it stored)', () => {
  it('remembers what was added and forgets the oldest beyond its bound', () => {
    const d = new StoredDigests(2);
    d.add('a');
    d.add('b');
    expect(d.has('a') && d.has('b')).toBe(true);
    d.add('c');
    expect([d.has('a'), d.has('b'), d.has('c')]).toEqual([false, true, true]);
    // Adding a digest it holds again does not push another out.
    d.add('c');
    expect([d.has('b'), d.has('c')]).toEqual([true, true]);
  });
});
