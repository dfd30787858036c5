import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/** A person at the test provider: the claims a provincial 统一身份认证平台 would vouch for. */
export interface TestAccount {
  sub: string;
  name: string;
  id_number?: string;
  phone_number?: string;
}

export const CLIENT_ID = 'yjs-engine';
export const CLIENT_SECRET = 'a-client-secret-of-the-engine-at-the-test-provider';
export const OTHER_CLIENT_ID = 'another-system';

/** Rewrites an ID token's claims, re-signed with the provider's own key (so only the claims are wrong). */
export type IdTokenTamper = (claims: Record<string, unknown>) => Record<string, unknown>;

export interface TestProvider {
  issuer: string;
  /** Who the next login at the provider signs in as. */
  signInAs(account: TestAccount): void;
  /** The next token response carries an ID token with these claims changed (once). */
  tamperNextIdToken(tamper: IdTokenTamper): void;
  /** How many logins (interactions) the provider has handled. */
  readonly logins: number;
  close(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function resign(idToken: string, key: KeyObject, tamper: IdTokenTamper): string {
  const [header, payload] = idToken.split('.') as [string, string];
  const claims = tamper(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>);
  const input = `${header}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`;
}

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1 and a free port, with the engine registered
 * as a confidential client that must use PKCE, and a second client. Logins need no UI: the
 * interaction endpoint signs in whoever signInAs() named, and consent is implied (a first-party
 * provider, as a province's platform is for its own services).
 */
export async function startTestProvider(): Promise<TestProvider & { configure(redirectUri: string, postLogoutRedirectUri: string): void }> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end('not configured yet');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, TestAccount>();
  let current: TestAccount | undefined;
  let tamper: IdTokenTamper | undefined;
  let logins = 0;

  // The engine's addresses are known once it listens, after the provider's port is.
  const configure = (redirectUri: string, postLogoutRedirectUri: string): void => {
    const configuration: Configuration = {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [redirectUri],
          post_logout_redirect_uris: [postLogoutRedirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        {
          client_id: OTHER_CLIENT_ID,
          client_secret: 'the-secret-of-another-system-at-the-test-provider',
          redirect_uris: [redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
        },
      ],
      pkce: { required: () => true },
      jwks: { keys: [jwk] },
      cookies: { keys: ['test-provider-cookie-key'] },
      claims: { openid: ['sub'], profile: ['name', 'id_number'], phone: ['phone_number'] },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx, form) => {
            ctx.body = `<!doctype html><html><body>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">退出</button></body></html>`;
          },
        },
      },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      async findAccount(_ctx, sub) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return { accountId: sub, claims: () => ({ ...account }) };
      },
      // Consent is implied: every scope and claim the client asks for is granted.
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const oidc = ctx.oidc;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
        if (grantId) {
          const found = await oidc.provider.Grant.find(grantId);
          if (found) return found;
        }
        const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
        grant.addOIDCScope('openid profile phone');
        await grant.save();
        return grant;
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === '/token' && tamper && body?.id_token) {
        body.id_token = resign(body.id_token, privateKey, tamper);
        tamper = undefined;
      }
    });
    const callback = provider.callback();
    handler = (req, res) => {
      if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
      void (async () => {
        try {
          await provider.interactionDetails(req, res);
          if (!current) throw new Error('signInAs() was not called');
          logins++;
          await provider.interactionFinished(req, res, { login: { accountId: current.sub } }, { mergeWithLastSubmission: false });
        } catch (err) {
          res.statusCode = 500;
          res.end(String(err));
        }
      })();
    };
  };

  return {
    issuer,
    configure,
    signInAs(account) {
      accounts.set(account.sub, account);
      current = account;
    },
    tamperNextIdToken(t) {
      tamper = t;
    },
    get logins() {
      return logins;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A browser driven by hand: one cookie jar per origin, redirects followed one at a time so that
 * a test can stop at (and tamper with) any of them.
 */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: URL): Map<string, string> {
    let jar = this.jars.get(url.origin);
    if (!jar) this.jars.set(url.origin, (jar = new Map()));
    return jar;
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(new URL(origin).origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    this.jar(new URL(origin)).set(name, value);
  }

  async request(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; text: string; headers: Headers }> {
    const u = new URL(url);
    const jar = this.jar(u);
    const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(u, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(init.body !== undefined ? { body: init.body } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location');
    return { status: res.status, location: location === null ? null : new URL(location, u).href, text: await res.text(), headers: res.headers };
  }

  /** Follows redirects until one leads to a URL starting with `stopAt` (not requested) or a non-redirect answer. */
  async follow(url: string, stopAt: string): Promise<{ url: string; stopped: boolean; status: number; text: string }> {
    let next = url;
    for (let hops = 0; hops < 20; hops++) {
      if (hops > 0 && next.startsWith(stopAt)) return { url: next, stopped: true, status: 0, text: '' };
      const res = await this.request(next);
      if (res.status < 300 || res.status >= 400 || !res.location) return { url: next, stopped: false, status: res.status, text: res.text };
      next = res.location;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
