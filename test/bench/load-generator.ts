// The dispatch bench's clients, in a process of their own: the server under test keeps its event
// loop (and its CPU figures) to itself, as it would behind a real network. Reads a plan as JSON
// on stdin, runs each client's requests in turn with all clients at once, and writes each
// request's latency (ms) and the wall time as JSON on stdout.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadPlan {
  clients: { url: string; headers: Record<string, string> }[][];
  /** The status every request must answer with. */
  status: number;
}

export interface LoadResult {
  latencies: number[];
  seconds: number;
}

/** One POST, its whole answer read; node:http with a kept-alive connection per client (fetch costs several times the CPU). */
function post(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': '0' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(plan: LoadPlan): Promise<LoadResult> {
  const latencies: number[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.clients.length });
  const started = performance.now();
  await Promise.all(
    plan.clients.map(async (requests) => {
      for (const r of requests) {
        const t0 = performance.now();
        const res = await post(agent, r.url, r.headers);
        if (res.status !== plan.status) throw new Error(`${r.url}: ${res.status} ${res.text.slice(0, 500)}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => (input += chunk));
process.stdin.on('end', () => {
  run(JSON.parse(input) as LoadPlan).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    },
  );
});
