import { Type, type Static } from '@sinclair/typebox';

const EnvName = Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', description: 'the NAME of an environment variable, never the value' });

/** The options every HTTP connector takes (checked when connectors.yaml loads). */
export const HttpOptions = Type.Object(
  {
    urlEnv: EnvName,
    secretEnv: EnvName,
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, description: 'per attempt; default 3000' })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, description: 'retries after the first attempt; default 2' })),
    backoffMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'first retry gap, doubled each time; default 200' })),
    breaker: Type.Optional(
      Type.Object(
        {
          failures: Type.Integer({ minimum: 1, maximum: 1000, description: 'consecutive failed attempts that open it' }),
          cooldownMs: Type.Integer({ minimum: 100, maximum: 3_600_000, description: 'how long it stays open before one probe' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type HttpOptions = Static<typeof HttpOptions>;
