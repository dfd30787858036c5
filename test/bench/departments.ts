// The dispatch bench's department systems, in a process of their own, as they are in production
// (other systems on other machines): the worker's process and its CPU figures are its own, as the
// product's are beside ./load-generator.ts. Reads its settings as JSON on stdin (kept open: the
// process ends when it closes), serves the simulated departments (server/simulator/) on an
// ephemeral loopback port, writes `{"url": …}` as its first line on stdout, then one line per
// delivery received: `{"key": <Idempotency-Key>, "at": <epoch ms, sub-millisecond>}`.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../server/log.js';
import { createSimulator } from '../../server/simulator/app.js';

export interface DepartmentsPlan {
  /** The product's base URL (the department API). */
  apiBase: string;
  /** Department code → webhook signing secret. */
  secrets: Record<string, string>;
  /** Department code → bearer token for the department API. */
  tokens: Record<string, string>;
}

export interface Arrival {
  key: string;
  /** performance.timeOrigin + performance.now(): comparable across processes on one machine. */
  at: number;
}

function serve(plan: DepartmentsPlan): void {
  // Never acts on a case (no callbacks): the bench measures getting the cases there.
  const sim = createSimulator({
    apiBase: plan.apiBase,
    secretFor: (code) => plan.secrets[code],
    tokenFor: (code) => plan.tokens[code],
    autoProcess: false,
    processDelayMs: 0,
    logger: createLogger('silent'),
  });
  // Arrivals are timed as they come and written out once per turn of the event loop: a pipe
  // write per delivery would be charged to the departments' CPU as much as a reply is.
  let pending = '';
  const flush = () => {
    process.stdout.write(pending);
    pending = '';
  };
  const server = http.createServer((req, res) => {
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') {
      if (!pending) setImmediate(flush);
      pending += `${JSON.stringify({ key, at: performance.timeOrigin + performance.now() } satisfies Arrival)}\n`;
    }
    sim.handler(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('departments: no port');
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
  });
  process.stdin.on('end', () => {
    void sim.close().finally(() => server.close(() => process.exit(0)));
    server.closeAllConnections();
  });
}

let input = '';
let started = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (started) return;
  input += chunk;
  const line = input.indexOf('\n');
  if (line < 0) return;
  started = true;
  serve(JSON.parse(input.slice(0, line)) as DepartmentsPlan);
});
