import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Database } from './db/types.js';
import type { Logger } from './log.js';
import type { Config } from './config.js';
import { redactUrl } from './redact.js';
import { errorHandler, notFoundApi } from './http/errors.js';
import { requireContentType } from './http/content-type.js';
import { limitJsonDepth } from './http/json-depth.js';
import { refuseUnstorableText } from './http/text-guard.js';
import { healthRoutes } from './health/controller.js';
import { mountRoutes, type Route } from './http/route.js';
import { openApiRoute } from './openapi.js';

export interface AppDeps {
  db: Database;
  logger: Logger;
  config: Config;
  /** The built client (index.html and assets); absent in API-only tests. */
  clientDir?: string;
  /** The API's routes, declared with their contracts (server/http/route.ts), mounted under /api in order. */
  routes?: Route[];
  /** Plain routers mounted after them (tests); not in the OpenAPI document. */
  routers?: Router[];
  /** Check every JSON response against its declared schema (the tests turn this on). */
  checkResponses?: boolean;
  /** Middleware run on every API request after body parsing (authentication). */
  before?: RequestHandler[];
}

export const JSON_BODY_LIMIT = '1mb';

export function createApp({ db, logger, config, clientDir, routes = [], routers = [], before = [], checkResponses = false }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // req.ip (the sign-in rate limit's key) believes X-Forwarded-For only from these proxies.
  app.set('trust proxy', config.trustProxy.length ? config.trustProxy : false);

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Headers carry cookies and tokens, query strings carry whatever a client typed: neither is logged.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // antd injects its CSS-in-JS as <style> elements at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );

  const api = express.Router();
  // Most answers depend on who is signed in (a citizen's form prefilled with their identity, their
  // applications, a department's inbox): no shared or browser cache may keep them. A public route
  // that wants caching says so itself.
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(requireContentType(['application/json', 'multipart/form-data']));
  api.use(
    express.json({
      limit: JSON_BODY_LIMIT,
      // Signatures are over the bytes as sent; re-serialising the parsed body would not match.
      verify: (req, _res, buf) => {
        (req as express.Request).rawBody = buf;
      },
    }),
  );
  api.use(limitJsonDepth);
  api.use(refuseUnstorableText);
  // Health answers before authentication: a probe with a stale cookie is still a probe.
  const open = healthRoutes(db);
  api.use(mountRoutes(open, { checkResponses }));
  for (const handler of before) api.use(handler);
  const documented = [...open, ...routes];
  api.use(mountRoutes([...routes, openApiRoute(documented)], { checkResponses }));
  for (const router of routers) api.use(router);
  api.use(notFoundApi);
  app.use('/api', api);

  if (clientDir && existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    // Client-side routes (/apply/newborn, /workbench…) all load the single page.
    app.get(/^(?!\/api\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(clientDir, 'index.html'));
    });
  }

  app.use(errorHandler(logger));
  return app;
}
