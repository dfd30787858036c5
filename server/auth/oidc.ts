import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { Database, Queryable } from '../db/types.js';
import type { OidcConfig } from '../config.js';
import type { Logger } from '../log.js';
import { checkIdNumber, checkMobile } from '../../shared/identifiers.js';
import { OidcError } from './errors.js';
import { claimRecorded } from './people.js';
import type { User } from './types.js';

/** A sign-in must come back within this long, or it is started again. */
const FLOW_MINUTES = 10;
/** The cookie that binds a sign-in under way to the browser that started it. */
export const FLOW_COOKIE = 'yjs_oidc';
export const CALLBACK_PATH = '/api/auth/oidc/callback';

/** The real-name identity a provider vouched for, as the product keeps it. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  name: string;
  idNumber?: string;
  mobile?: string;
}

export interface SignedInByOidc {
  user: User;
  idToken: string;
  returnTo: string;
}

const hashOf = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Only a path on this site may be gone back to after signing in: `/apply/newborn`, never
 * `//evil.example`, `/\evil.example` or `https://evil.example` (an open redirect would lend the
 * provider's trust to a phishing page).
 */
export function safeReturnTo(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '/';
  const control = [...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || control || raw.length > 2000) throw new OidcError('oidc_return_to_invalid');
  const base = new URL('http://this.site');
  const resolved = new URL(raw, base);
  if (resolved.origin !== base.origin) throw new OidcError('oidc_return_to_invalid');
  return resolved.pathname + resolved.search + resolved.hash;
}

/** `+86 138-0073-1001` → `13800731001`; anything else is kept as given and checked. */
function normaliseMobile(raw: string): string {
  const compact = raw.replace(/[\s-]/g, '');
  return compact.replace(/^(\+86|0086)/, '');
}

/** Claims (ID token and userinfo) → identity; values that are not valid identifiers are not kept. */
export function identityFromClaims(claims: Record<string, unknown>, names: OidcConfig['claims'], logger?: Logger): OidcIdentity {
  const text = (key: string): string | undefined => {
    const v = claims[key];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const identity: OidcIdentity = { issuer: String(claims.iss), subject: String(claims.sub), name: text(names.name) ?? '统一身份认证用户' };
  const idNumber = text(names.idNumber)?.toUpperCase();
  if (idNumber !== undefined) {
    if (checkIdNumber(idNumber) === null) identity.idNumber = idNumber;
    else logger?.warn({ claim: names.idNumber }, 'the provider sent an invalid 公民身份号码; it is not kept (forms will not be prefilled with it)');
  }
  const mobileClaim = text(names.mobile);
  if (mobileClaim !== undefined) {
    const mobile = normaliseMobile(mobileClaim);
    if (checkMobile(mobile) === null) identity.mobile = mobile;
    else logger?.warn({ claim: names.mobile }, 'the provider sent a mobile number that is not a mainland mobile; it is not kept');
  }
  return identity;
}

/** What openid-client refused, as the product's refusal; the library's words go to the log. */
function refusal(err: unknown): OidcError {
  if (err instanceof OidcError) return err;
  const why = err instanceof Error ? err.message : String(err);
  if (err instanceof client.AuthorizationResponseError) return new OidcError('oidc_provider_refused', `${err.error}: ${err.error_description ?? ''}`);
  if (err instanceof client.ResponseBodyError) return new OidcError(err.error === 'invalid_grant' ? 'oidc_code_refused' : 'oidc_provider_refused', `${err.error}: ${err.error_description ?? ''}`);
  if (err instanceof client.ClientError) {
    // oauth4webapi's error carries the claim that failed its comparison.
    const inner = err.cause as { cause?: { claim?: string }; message?: string } | undefined;
    const claim = inner?.cause?.claim;
    const detail = `${why}: ${inner?.message ?? ''}`;
    if (claim === 'iss' || /"iss" \(issuer\)/.test(inner?.message ?? '')) return new OidcError('oidc_issuer_mismatch', detail);
    if (claim === 'aud' || claim === 'azp') return new OidcError('oidc_audience_mismatch', detail);
    if (claim === 'nonce') return new OidcError('oidc_nonce_mismatch', detail);
    if (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT') return new OidcError('oidc_unavailable', detail);
    return new OidcError('oidc_id_token_invalid', detail);
  }
  // fetch failed: the provider is unreachable.
  if (err instanceof TypeError) return new OidcError('oidc_unavailable', why);
  return new OidcError('oidc_id_token_invalid', why);
}

/**
 * Sign-in with the authorization code flow and PKCE (S256) at an OpenID provider, through
 * openid-client. The verifier, state and nonce of a sign-in under way live in the database
 * (oidc_flows), bound to the starting browser by a random cookie, so that the callback may reach
 * any web process and is honoured once. openid-client checks the rest: the response's state and
 * issuer, the ID token's signature, issuer, audience, nonce and times, and the userinfo subject.
 */
export class OidcService {
  private configuration: Promise<client.Configuration> | undefined;
  private sinceSweep = 0;

  constructor(
    private readonly db: Database,
    readonly settings: OidcConfig,
    /** The public base URL, read when needed (tests learn their port after building the server). */
    private readonly publicUrl: () => string,
    private readonly logger: Logger,
  ) {}

  get redirectUri(): string {
    return this.settings.redirectUri ?? `${this.publicUrl()}${CALLBACK_PATH}`;
  }

  get postLogoutRedirectUri(): string {
    return this.settings.postLogoutRedirectUri ?? `${this.publicUrl()}/`;
  }

  /** Discovery once per process; a failure is retried at the next sign-in. */
  private config(): Promise<client.Configuration> {
    const s = this.settings;
    this.configuration ??= client
      .discovery(new URL(s.issuer), s.clientId, undefined, s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None(), {
        // An http issuer passed configuration only on this machine (server/config.ts).
        ...(s.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((err: unknown) => {
        this.configuration = undefined;
        this.logger.error({ err: err instanceof Error ? err.message : String(err), issuer: s.issuer }, 'OIDC discovery failed');
        throw new OidcError('oidc_unavailable', err instanceof Error ? err.message : String(err));
      });
    return this.configuration;
  }

  /** Starts a sign-in: the provider's authorization URL, and the token the browser keeps in a cookie. */
  async start(returnTo: string | undefined): Promise<{ url: string; browserToken: string }> {
    const back = safeReturnTo(returnTo);
    const config = await this.config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
    const state = client.randomState();
    const nonce = client.randomNonce();
    const browserToken = randomBytes(24).toString('base64url');
    await this.db.query(
      `INSERT INTO oidc_flows (state, browser_hash, code_verifier, nonce, return_to, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6))`,
      [state, hashOf(browserToken).toString('hex'), codeVerifier, nonce, back, FLOW_MINUTES],
    );
    if (++this.sinceSweep >= 100) {
      this.sinceSweep = 0;
      await this.db.query('DELETE FROM oidc_flows WHERE expires_at < now()');
    }
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, browserToken };
  }

  /**
   * Finishes a sign-in from the provider's redirect (its query string): the flow is taken (and
   * so used up) whatever happens next, the code exchanged and the ID token checked, and the
   * identity found or created by (issuer, subject).
   */
  async finish(search: string, browserToken: string | undefined): Promise<SignedInByOidc> {
    const current = new URL(this.redirectUri);
    current.search = search;
    const state = current.searchParams.get('state');
    if (!state) throw new OidcError('oidc_state_unknown', 'no state in the callback');
    const { rows } = await this.db.query<{ browser_hash: string; code_verifier: string; nonce: string; return_to: string; live: boolean }>(
      'DELETE FROM oidc_flows WHERE state = $1 RETURNING browser_hash, code_verifier, nonce, return_to, expires_at > now() AS live',
      [state],
    );
    const flow = rows[0];
    if (!flow || !flow.live) throw new OidcError('oidc_state_unknown', flow ? 'expired' : 'unknown or used');
    const expected = Buffer.from(flow.browser_hash, 'hex');
    if (browserToken === undefined || !timingSafeEqual(hashOf(browserToken), expected)) throw new OidcError('oidc_browser_mismatch');

    const config = await this.config();
    let claims: Record<string, unknown>;
    let idToken: string;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.code_verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims || !tokens.id_token) throw new OidcError('oidc_id_token_invalid', 'no ID token');
      idToken = tokens.id_token;
      claims = { ...idClaims };
      // Providers that follow the spec put profile claims in userinfo when an access token is issued.
      if (config.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, iss: idClaims.iss, sub: idClaims.sub };
      }
    } catch (err) {
      const refused = refusal(err);
      this.logger.warn({ code: refused.code, why: refused.why }, 'OIDC sign-in refused');
      throw refused;
    }
    const identity = identityFromClaims(claims, this.settings.claims, this.logger);
    let user: User;
    try {
      user = await this.db.transaction((tx) => linkIdentity(tx, identity));
    } catch (err) {
      // Two first sign-ins of one subject at once: the other created the identity; use it.
      if ((err as { code?: unknown }).code !== '23505') throw err;
      user = await this.db.transaction((tx) => linkIdentity(tx, identity));
    }
    return { user, idToken, returnTo: flow.return_to };
  }

  /** Where the browser goes to end the provider's session too; null if the provider has no such endpoint. */
  async endSessionUrl(idToken: string | undefined): Promise<string | null> {
    const config = await this.config().catch(() => null);
    if (!config?.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: this.postLogoutRedirectUri,
      ...(idToken ? { id_token_hint: idToken } : { client_id: this.settings.clientId }),
    }).href;
  }
}

/**
 * The user behind (issuer, subject): created as a citizen at first sign-in with a stable
 * internal id; name and identifiers refreshed from the provider at each sign-in, the role never
 * (roles are granted here, server/roles/).
 */
export async function linkIdentity(tx: Queryable, identity: OidcIdentity): Promise<User> {
  const found = await tx.query<{ user_id: string }>('SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2 FOR UPDATE', [identity.issuer, identity.subject]);
  let userId = found.rows[0]?.user_id;
  if (userId) {
    await tx.query('UPDATE users SET name = $2, id_number = $3, mobile = $4 WHERE id = $1', [userId, identity.name, identity.idNumber ?? null, identity.mobile ?? null]);
    await tx.query('UPDATE oidc_identities SET last_seen_at = now() WHERE issuer = $1 AND subject = $2', [identity.issuer, identity.subject]);
  } else {
    // Filed for at the counter before ever signing in: the account recorded under the verified number is theirs.
    const recorded = identity.idNumber ? await claimRecorded(tx, identity.idNumber, { name: identity.name, mobile: identity.mobile ?? null }, { unlinked: true }) : null;
    userId = recorded ?? `oidc-${randomUUID()}`;
    if (!recorded) await tx.query(`INSERT INTO users (id, name, role, id_number, mobile) VALUES ($1, $2, 'citizen', $3, $4)`, [userId, identity.name, identity.idNumber ?? null, identity.mobile ?? null]);
    await tx.query('INSERT INTO oidc_identities (issuer, subject, user_id) VALUES ($1, $2, $3)', [identity.issuer, identity.subject, userId]);
  }
  const user: User = { id: userId, name: identity.name, role: 'citizen' };
  if (identity.idNumber) user.idNumber = identity.idNumber;
  if (identity.mobile) user.mobile = identity.mobile;
  return user;
}
