import type { Database } from '../db/types.js';
import { route, type Route } from '../http/route.js';
import { Health } from '../../shared/contracts/auth.js';

const PROBE_TIMEOUT_MS = 2000;

/** `ok` only when the database answers a query right now; a load balancer takes 503 as "out". */
export function healthRoutes(db: Database): Route[] {
  return [
    route({
      method: 'get',
      path: '/health',
      summary: 'Liveness and database check',
      responses: { 200: Health, 503: { description: 'database unavailable', schema: Health } },
      handler: async (_input, _req, res) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            db.query('SELECT 1'),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('database probe timed out')), PROBE_TIMEOUT_MS);
            }),
          ]);
          res.json({ status: 'ok', db: db.kind });
        } catch {
          res.status(503).json({ status: 'unavailable', db: db.kind });
        } finally {
          clearTimeout(timer);
        }
      },
    }),
  ];
}
