import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Department credentials derive from SESSION_SECRET unless configured, so a first run (and the
 * simulated departments started beside it) needs no set-up; production sets each explicitly.
 *   DEPARTMENT_TOKEN_<CODE>   bearer token a department's system calls the API with
 *   <name given as `secret:`> webhook signing secret, named in scenarios/departments.yaml
 */
function derive(sessionSecret: string, label: string): string {
  return createHmac('sha256', sessionSecret).update(label).digest('base64url');
}

function envName(code: string): string {
  return `DEPARTMENT_TOKEN_${code.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

export function departmentToken(sessionSecret: string, code: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[envName(code)] || derive(sessionSecret, `department-token:${code}`);
}

export function webhookSecret(sessionSecret: string, code: string, secretEnv: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (secretEnv && env[secretEnv]) || derive(sessionSecret, `webhook-secret:${code}`);
}

/** The department a bearer token belongs to, compared in constant time. */
export function departmentForToken(token: string, tokens: ReadonlyMap<string, string>): string | undefined {
  const given = Buffer.from(token);
  for (const [code, expected] of tokens) {
    const want = Buffer.from(expected);
    if (want.length === given.length && timingSafeEqual(want, given)) return code;
  }
  return undefined;
}
