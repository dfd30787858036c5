// The dispatch bench's clients, in a process of their own: the server under test keeps its event
// loop (and its CPU figures) to itself, as it would behind a real network. Reads a plan as JSON
// on stdin, runs each client's requests in turn with all clients at once (or, with `perSecond`,
// every request at its own time whatever the answers before it), and writes each request's
// latency (ms) and the wall time as JSON on stdout.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadPlan {
  clients: { url: string; headers: Record<string, string> }[][];
  /** The status every request must answer with. */
  status: number;
  /**
   * Arrivals at a fixed rate instead of clients waiting on their answers: the requests of all
   * clients, interleaved, each sent at its time on the clients' connections; a request's latency
   * counts from its time, so one that waited for a free connection is counted as late.
   */
  perSecond?: number;
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
  const send = async (r: { url: string; headers: Record<string, string> }, t0: number) => {
    const res = await post(agent, r.url, r.headers);
    if (res.status !== plan.status) throw new Error(`${r.url}: ${res.status} ${res.text.slice(0, 500)}`);
    latencies.push(performance.now() - t0);
  };
  if (plan.perSecond) {
    const longest = Math.max(...plan.clients.map((c) => c.length));
    const all = Array.from({ length: longest }, (_, i) => plan.clients.flatMap((c) => (i < c.length ? [c[i]!] : []))).flat();
    const sent: Promise<void>[] = [];
    let failed: unknown;
    for (const [i, r] of all.entries()) {
      const due = started + (1000 * i) / plan.perSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      sent.push(send(r, due).catch((err: unknown) => void (failed ??= err)));
    }
    await Promise.all(sent);
    if (failed) throw failed;
  } else {
    await Promise.all(
      plan.clients.map(async (requests) => {
        for (const r of requests) await send(r, performance.now());
      }),
    );
  }
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
