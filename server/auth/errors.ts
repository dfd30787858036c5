import { AppError, type ErrorKind } from '../errors.js';

/**
 * Why an OIDC sign-in was refused. Each code is stable (tests and the sign-in page read it);
 * none of them creates a session.
 */
export const OIDC_FAILURES = {
  oidc_return_to_invalid: ['bad_request', '登录后返回的地址只能是本站的相对路径', 'returnTo must be a relative path on this site', 'returnTo'],
  oidc_state_unknown: ['bad_request', '登录请求不存在、已过期或已使用，请重新登录', 'No such sign-in under way (unknown, expired or already used state); sign in again', 'state'],
  oidc_browser_mismatch: ['bad_request', '登录不是从这个浏览器发起的，请重新登录', 'This sign-in was started in another browser; sign in again', 'state'],
  oidc_provider_refused: ['unauthorized', '统一身份认证平台拒绝了登录', 'The identity provider refused the sign-in', 'error'],
  oidc_code_refused: ['unauthorized', '授权码无效或已使用，请重新登录', 'The authorization code is invalid or already used; sign in again', 'code'],
  oidc_issuer_mismatch: ['unauthorized', '身份令牌的签发方不是所配置的统一身份认证平台', 'The ID token was not issued by the configured provider (wrong issuer)', 'id_token.iss'],
  oidc_audience_mismatch: ['unauthorized', '身份令牌不是签发给本系统的', 'The ID token was issued to another client (wrong audience)', 'id_token.aud'],
  oidc_nonce_mismatch: ['unauthorized', '身份令牌与本次登录请求不符（nonce 不匹配）', 'The ID token does not belong to this sign-in (wrong nonce)', 'id_token.nonce'],
  oidc_id_token_invalid: ['unauthorized', '身份令牌无效', 'The ID token is invalid', 'id_token'],
  oidc_unavailable: ['unavailable', '统一身份认证平台暂不可用，请稍后再试', 'The identity provider is unavailable; try again later', 'OIDC_ISSUER'],
} as const satisfies Record<string, [ErrorKind, string, string, string]>;
export type OidcFailure = keyof typeof OIDC_FAILURES;

export class OidcError extends AppError {
  constructor(
    readonly failure: OidcFailure,
    /** What the library or the provider said, for the log only. */
    readonly why?: string,
  ) {
    const [kind, message, messageEn, path] = OIDC_FAILURES[failure];
    super(kind, failure, message, messageEn, [{ path, message, messageEn }]);
  }
}
