import { describe, it, expect } from 'vitest';
import { parseOidc } from '../../server/config.js';
import { identityFromClaims, safeReturnTo } from '../../server/auth/oidc.js';
import { OidcError } from '../../server/auth/errors.js';

const CLAIMS = { name: 'name', idNumber: 'id_number', mobile: 'phone_number' };

describe('OIDC configuration', () => {
  it('is off without OIDC_ISSUER, and takes sensible defaults with it', () => {
    expect(parseOidc({})).toBeUndefined();
    expect(parseOidc({ OIDC_ISSUER: 'https://id.example.gov.cn/oidc', OIDC_CLIENT_ID: 'yjs' })).toEqual({
      issuer: 'https://id.example.gov.cn/oidc',
      clientId: 'yjs',
      clientSecret: undefined,
      redirectUri: undefined,
      postLogoutRedirectUri: undefined,
      scopes: 'openid profile phone',
      claims: CLAIMS,
      label: '统一身份认证',
    });
  });

  it('refuses what cannot work or would be unsafe, naming the variable', () => {
    expect(() => parseOidc({ OIDC_ISSUER: 'https://id.example.gov.cn' })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => parseOidc({ OIDC_ISSUER: 'http://id.example.gov.cn', OIDC_CLIENT_ID: 'x' })).toThrow(/OIDC_ISSUER.*https/);
    expect(parseOidc({ OIDC_ISSUER: 'http://127.0.0.1:4000', OIDC_CLIENT_ID: 'x' })?.issuer).toBe('http://127.0.0.1:4000');
    expect(() => parseOidc({ OIDC_ISSUER: 'not a url', OIDC_CLIENT_ID: 'x' })).toThrow(/OIDC_ISSUER/);
    expect(() => parseOidc({ OIDC_ISSUER: 'https://id.example', OIDC_CLIENT_ID: 'x', OIDC_SCOPES: 'profile' })).toThrow(/OIDC_SCOPES.*openid/);
    expect(() => parseOidc({ OIDC_ISSUER: 'https://id.example', OIDC_CLIENT_ID: 'x', OIDC_CLAIM_NAME: 'a b' })).toThrow(/OIDC_CLAIM_NAME/);
    expect(() => parseOidc({ OIDC_ISSUER: 'https://id.example', OIDC_CLIENT_ID: 'x', OIDC_REDIRECT_URI: 'ftp://x' })).toThrow(/OIDC_REDIRECT_URI/);
  });
});

describe('returnTo after signing in', () => {
  it('keeps paths on this site', () => {
    expect(safeReturnTo(undefined)).toBe('/');
    expect(safeReturnTo('/apply/newborn?step=2#top')).toBe('/apply/newborn?step=2#top');
  });

  it.each(['https://evil.example/', '//evil.example', '/\\evil.example', '\\\\evil.example', 'evil.example', 'javascript:alert(1)', '/\tevil', '/x\n'])('refuses %j', (raw) => {
    expect(() => safeReturnTo(raw)).toThrow(OidcError);
  });
});

describe('claims to the real-name identity', () => {
  it('keeps a valid 公民身份号码 and a mainland mobile written the international way', () => {
    expect(identityFromClaims({ iss: 'https://id', sub: 's1', name: ' 张伟 ', id_number: '430102199003077716', phone_number: '+86 138-0073-1001' }, CLAIMS)).toEqual({
      issuer: 'https://id',
      subject: 's1',
      name: '张伟',
      idNumber: '430102199003077716',
      mobile: '13800731001',
    });
  });

  it('does not keep identifiers that are not valid, and names a person without a name claim', () => {
    const id = identityFromClaims({ iss: 'https://id', sub: 's2', id_number: '430102199003077711', phone_number: '12345' }, CLAIMS);
    expect(id).toEqual({ issuer: 'https://id', subject: 's2', name: '统一身份认证用户' });
  });

  it('reads the claim names configured', () => {
    const id = identityFromClaims({ iss: 'i', sub: 's', xm: '李娜', sfzh: '430104199208154327', sjhm: '13900731002' }, { name: 'xm', idNumber: 'sfzh', mobile: 'sjhm' });
    expect(id).toMatchObject({ name: '李娜', idNumber: '430104199208154327', mobile: '13900731002' });
  });
});
