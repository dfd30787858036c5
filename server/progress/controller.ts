import type { Queryable } from '../db/types.js';
import { rateLimit } from '../auth/rate-limit.js';
import type { ProgressService } from './service.js';
import { route, type Route } from '../http/route.js';
import { Progress, ProgressQuery } from '../../shared/contracts/progress.js';

/** 进度查询: public, for whoever holds the 受理回执 (its QR code opens /progress with both filled in). */
export function progressRoutes(service: ProgressService, limit: { db: Queryable; perMinute: number }): Route[] {
  // 31^8 codes per number: without a limit a script could walk them.
  const limited = rateLimit({ db: limit.db, limit: limit.perMinute, windowMs: 60_000, scope: 'progress' });
  return [
    route({
      method: 'get',
      path: '/progress',
      summary: "An application's progress by its 办件编号 and 查询码 (from the 受理回执), without signing in: titles and statuses only",
      description: 'A wrong number and a wrong code are the same 404, so the answer never tells which numbers exist. Queries per client address are limited (PROGRESS_RATE_LIMIT a minute, 429 with Retry-After beyond), counted in the database for every process.',
      tags: ['public'],
      before: [limited],
      query: ProgressQuery,
      queryRefusal: {
        status: 422,
        message: '请填写受理回执上的办件编号和查询码',
        messageEn: 'Give the application number and the query code from the receipt',
        fields: {
          number: { message: '办件编号应为 20 位数字', messageEn: 'must be the 20-digit application number' },
          code: { message: '查询码应为 8 位字母和数字', messageEn: 'must be the 8-character query code' },
        },
      },
      responses: { 200: Progress },
      errors: [404, 422, 429],
      handler: async ({ query }) => service.find(query.number, query.code),
    }),
  ];
}
