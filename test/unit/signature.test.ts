import { createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { sign, verify } from '../../server/delivery/signature.js';

const SECRET = 'whsec_test_secret';
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const BODY = JSON.stringify({ subApplicationId: 'sa-1', fields: { xm: '张三', note: 'ünïcödé ✓' } });

describe('webhook signature', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>", as documented for departments', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(sign(SECRET, NOW, BODY)).toBe(`v1=${expected}`);
    // The same bytes as a Buffer sign the same: departments verify the raw bytes they received.
    expect(sign(SECRET, NOW, Buffer.from(BODY, 'utf8'))).toBe(`v1=${expected}`);
  });

  it('round-trips: what sign produces, verify accepts', () => {
    const signature = sign(SECRET, NOW, BODY);
    expect(verify({ secret: SECRET, timestamp: String(NOW), signature, rawBody: BODY, now: NOW })).toEqual({ ok: true });
    expect(verify({ secret: SECRET, timestamp: String(NOW), signature, rawBody: Buffer.from(BODY), now: NOW + 299 })).toEqual({ ok: true });
  });

  it('refuses a tampered body, even by one byte or by re-serialising the same JSON', () => {
    const signature = sign(SECRET, NOW, BODY);
    const tampered = BODY.replace('张三', '李四');
    expect(verify({ secret: SECRET, timestamp: String(NOW), signature, rawBody: tampered, now: NOW })).toEqual({ ok: false, reason: 'mismatch' });
    const reformatted = JSON.stringify(JSON.parse(BODY) as unknown, null, 2);
    expect(verify({ secret: SECRET, timestamp: String(NOW), signature, rawBody: reformatted, now: NOW })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature made with another secret', () => {
    const signature = sign('another-secret', NOW, BODY);
    expect(verify({ secret: SECRET, timestamp: String(NOW), signature, rawBody: BODY, now: NOW })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature replayed with another timestamp (the timestamp is signed too)', () => {
    const signature = sign(SECRET, NOW, BODY);
    expect(verify({ secret: SECRET, timestamp: String(NOW + 10), signature, rawBody: BODY, now: NOW })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses old and future timestamps beyond the tolerance, in both directions', () => {
    for (const ts of [NOW - 301, NOW + 301, 0]) {
      const signature = sign(SECRET, ts, BODY);
      expect(verify({ secret: SECRET, timestamp: String(ts), signature, rawBody: BODY, now: NOW })).toEqual({ ok: false, reason: 'expired' });
    }
    const edge = sign(SECRET, NOW - 300, BODY);
    expect(verify({ secret: SECRET, timestamp: String(NOW - 300), signature: edge, rawBody: BODY, now: NOW })).toEqual({ ok: true });
    // A tighter tolerance is honoured.
    const old = sign(SECRET, NOW - 31, BODY);
    expect(verify({ secret: SECRET, timestamp: String(NOW - 31), signature: old, rawBody: BODY, now: NOW, toleranceSeconds: 30 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('uses the current clock when no `now` is given', () => {
    const ts = Math.floor(Date.now() / 1000);
    expect(verify({ secret: SECRET, timestamp: String(ts), signature: sign(SECRET, ts, BODY), rawBody: BODY })).toEqual({ ok: true });
    const stale = ts - 3600;
    expect(verify({ secret: SECRET, timestamp: String(stale), signature: sign(SECRET, stale, BODY), rawBody: BODY })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('reports missing headers as missing', () => {
    const signature = sign(SECRET, NOW, BODY);
    for (const [timestamp, sig] of [
      [undefined, signature],
      [String(NOW), undefined],
      ['', signature],
      [String(NOW), '  '],
      [null, null],
      [[], signature],
    ] as const) {
      expect(verify({ secret: SECRET, timestamp, signature: sig, rawBody: BODY, now: NOW })).toEqual({ ok: false, reason: 'missing' });
    }
  });

  it('reports headers not of the documented shape as malformed', () => {
    const good = sign(SECRET, NOW, BODY);
    const hex = good.slice(3);
    const cases: [string | string[], string | string[]][] = [
      ['yesterday', good],
      ['1767225600.5', good],
      ['-1767225600', good],
      ['1e9', good],
      ['1234567890123', good], // absurdly far in the future: not a timestamp we would send
      [String(NOW), hex], // no scheme
      [String(NOW), 'v1='],
      [String(NOW), `v1=${hex.toUpperCase()}`],
      [String(NOW), `v1=${hex.slice(2)}`],
      [String(NOW), `v1=${hex}zz`],
      [String(NOW), `v0=${hex}`], // no v1 value at all
      [String(NOW), 'garbage'],
      [[String(NOW), String(NOW)], good], // which one was signed?
    ];
    for (const [timestamp, signature] of cases) {
      expect(verify({ secret: SECRET, timestamp, signature, rawBody: BODY, now: NOW }), `${String(timestamp)} / ${String(signature)}`).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('accepts any one of several v1 signatures (secret rotation) and ignores other schemes', () => {
    const oldSig = sign('old-secret', NOW, BODY).slice(3);
    const newSig = sign(SECRET, NOW, BODY).slice(3);
    const header = `v0=deadbeef, v1=${oldSig}, v1=${newSig}`;
    expect(verify({ secret: SECRET, timestamp: String(NOW), signature: header, rawBody: BODY, now: NOW })).toEqual({ ok: true });
    expect(verify({ secret: 'third', timestamp: String(NOW), signature: header, rawBody: BODY, now: NOW })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses to sign or verify with an empty secret, or to sign a bad timestamp (configuration bugs)', () => {
    expect(() => sign('', NOW, BODY)).toThrow(RangeError);
    expect(() => sign(SECRET, 1.5, BODY)).toThrow(RangeError);
    expect(() => sign(SECRET, -1, BODY)).toThrow(RangeError);
    expect(() => verify({ secret: '', timestamp: String(NOW), signature: sign(SECRET, NOW, BODY), rawBody: BODY })).toThrow(RangeError);
  });
});
