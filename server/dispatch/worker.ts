import { prepared } from '../db/prepared.js';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import type { DeliveryChannel, DeliveryResult, DeliveryTarget } from '../delivery/types.js';
import { DEFAULT_BACKOFF, nextAttemptAt, type BackoffPolicy } from './backoff.js';
import { onRelease } from './signal.js';
import { deliverMany, reschedule, transition } from '../subapps/transition.js';

export interface WorkerOptions {
  db: Database;
  logger: Logger;
  channels: Readonly<Record<DeliveryTarget['channel'], DeliveryChannel>>;
  /** Where a department's sub-applications go; undefined parks the row (unknown department). */
  targetFor(department: string): DeliveryTarget | undefined;
  /** Base URL departments fetch materials from (links in the webhook body). */
  publicUrl: string;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  batchSize?: number;
  /** How often an idle worker looks for due rows; a queued delivery wakes it at once (dispatch/signal.ts). */
  pollMs?: number;
  /** How long a claimed row stays invisible to other workers while its delivery runs. */
  leaseMs?: number;
  /** Fetches the licences submit could not (server/connectors/sharing.ts) before the deliveries that need them. */
  sharing?: { runDue(limit?: number, leaseMs?: number): Promise<number> };
}

interface ClaimedRow {
  id: string;
  application_id: string;
  department: string;
  payload: Record<string, unknown>;
  round: number;
  attempts: number;
  /** attempts before the last operator retry: the budget and the backoff count from here. */
  retry_base: number;
  first_attempt_at: Date;
}

/** One delivery's result, recorded with the rest of its batch. */
interface Outcome {
  row: ClaimedRow;
  idempotencyKey: string;
  started: Date;
  result: DeliveryResult;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The claim: due rows, none waiting on a licence fetch, leased to this worker. Every round of
 * every worker runs it: kept parsed on each connection.
 */
/** After a claim that failed, the next one comes this soon, or at the poll if that is sooner. */
const CLAIM_RETRY_MS = 1_000;

const CLAIM = prepared(
  `WITH due AS (
     SELECT id FROM sub_applications q
      WHERE status = 'queued' AND next_attempt_at <= now()
        AND NOT EXISTS (SELECT 1 FROM material_fetches f
                         WHERE f.application_id = q.application_id AND f.state IN ('pending', 'missing')
                           AND q.payload->'materials' @> jsonb_build_array(jsonb_build_object('code', f.code, 'disposition', 'sharing')))
      ORDER BY next_attempt_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED)
   UPDATE sub_applications s
      SET attempts = s.attempts + 1,
          first_attempt_at = COALESCE(s.first_attempt_at, now()),
          next_attempt_at = now() + make_interval(secs => $2::double precision / 1000),
          updated_at = now()
     FROM due
    WHERE s.id = due.id
  RETURNING s.id, s.application_id, s.department, s.payload, s.round, s.attempts, s.retry_base, s.first_attempt_at`,
);

/**
 * The outbox worker. Claims due sub-applications with FOR UPDATE SKIP LOCKED and a lease (the
 * claim commits before the HTTP call, so no transaction or connection is held while a department
 * answers, and PGlite's single connection is never blocked by a slow department), delivers them,
 * and records the result. Any number of workers in any number of processes can run against one
 * PostgreSQL: a claimed row is invisible to the others until its lease ends, and results are
 * written only if the row is still in the state the claim left it in.
 */
export class DispatchWorker {
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake-up came while the worker was claiming or delivering: look again before sleeping. */
  private woken = false;
  private unsubscribe: Promise<() => Promise<void>> | undefined;
  /** Outcomes delivered and not yet written; `recording` writes them, those that came together in one transaction. */
  private unrecorded: Outcome[] = [];
  private recording: Promise<void> = Promise.resolve();
  private recordQueued = false;

  constructor(private readonly o: WorkerOptions) {
    this.maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.batchSize = o.batchSize ?? 64;
    this.pollMs = o.pollMs ?? 500;
    this.leaseMs = o.leaseMs ?? 60_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // Until the listener is connected (it keeps trying), the worker finds rows by polling.
    this.unsubscribe = onRelease(this.o.db, () => this.wake());
    // What was queued while the listener was connecting is found by one more look.
    void this.unsubscribe.then(() => this.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await (await this.unsubscribe)?.();
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Keeps up to `batchSize` deliveries in flight: once half of them have answered, the next rows
   * are claimed and sent while the rest are still out, so a slow answer never leaves the worker
   * idle; results are written as they come. When the queue has run dry it waits for a wake-up
   * (a row queued anywhere, server/dispatch/signal.ts) or the poll.
   */
  private async run(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.running) {
      // The claim sees every row committed before it starts: a wake-up from now on is for a later one.
      this.woken = false;
      const room = this.batchSize - inFlight.size;
      let drained = true;
      let failed = false;
      try {
        // Results are not let to pile up faster than they are written.
        if (this.unrecorded.length >= this.batchSize) await this.recording;
        const { rows, fetched } = await this.claim(room);
        drained = rows.length < room && fetched === 0;
        for (const row of rows) {
          const delivery: Promise<void> = this.launch(row)
            .catch((err: unknown) => this.o.logger.error({ err, subApplication: row.id }, 'dispatch: delivering failed'))
            .finally(() => inFlight.delete(delivery));
          inFlight.add(delivery);
        }
      } catch (err) {
        failed = true;
        this.o.logger.error({ err }, 'dispatch: claiming failed');
      }
      if (!this.running) break;
      if (!drained) {
        // More is due: claim again once half of what is out has answered.
        while (inFlight.size > this.batchSize / 2) await Promise.race(inFlight);
      } else if (!this.woken) {
        // Nothing more is due: what is out answers and is written, then the worker sleeps. After a
        // failed claim (a database blip, a deadlock) it looks again in a second, whatever the poll:
        // the wake-up for what it missed has already come and gone.
        const settled = Promise.all(inFlight).then(() => this.recorded());
        await this.sleep(settled, failed ? Math.min(this.pollMs, CLAIM_RETRY_MS) : inFlight.size === 0 ? this.pollMs : 0);
      }
    }
    await Promise.all(inFlight);
    await this.recorded();
  }

  /** Until `until` settles and `afterMs` more have passed, or a wake-up comes. */
  private async sleep(until: Promise<void>, afterMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      if (this.woken) return resolve();
      this.wakeUp = resolve;
      void until.then(() => {
        if (afterMs > 0) timer = setTimeout(resolve, afterMs);
        else resolve();
      });
    });
    clearTimeout(timer);
    this.wakeUp = undefined;
  }

  /** Claims one batch of due rows, delivers them concurrently and records the results; returns how many it handled. */
  async runOnce(): Promise<number> {
    const { rows, fetched } = await this.claim(this.batchSize);
    await Promise.all(rows.map((row) => this.launch(row)));
    await this.recorded();
    return rows.length + fetched;
  }

  /** Due rows, leased to this worker, after the licence fetches that were due (`fetched`). */
  private async claim(limit: number): Promise<{ rows: ClaimedRow[]; fetched: number }> {
    const fetched = this.o.sharing ? await this.o.sharing.runDue(limit, this.leaseMs) : 0;
    // An item goes out only with its licences: one whose fetch is pending, or whose licence the
    // applicant is being asked for, waits (material_fetches, server/connectors/sharing.ts).
    const { rows } = await this.o.db.query<ClaimedRow>(CLAIM, [limit, this.leaseMs]);
    return { rows, fetched };
  }

  /** Delivers one row; its result joins the next write. */
  private async launch(row: ClaimedRow): Promise<void> {
    // Awaited first: `unrecorded.push(await …)` would push into the array a write has already taken.
    const outcome = await this.deliver(row);
    this.unrecorded.push(outcome);
    if (this.recordQueued) return;
    this.recordQueued = true;
    // Results that arrive while a write runs wait for it and go together in the next one.
    this.recording = this.recording
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        this.recordQueued = false;
        const batch = this.unrecorded;
        this.unrecorded = [];
        return this.recordAll(batch);
      });
  }

  /** Once every result delivered so far is written (recordAll logs its own failures: it never rejects). */
  private async recorded(): Promise<void> {
    while (this.recordQueued || this.unrecorded.length) await this.recording;
    await this.recording;
  }

  private async deliver(row: ClaimedRow): Promise<Outcome> {
    const idempotencyKey = `${row.id}:${row.round}`;
    const started = new Date();
    const target = this.o.targetFor(row.department);
    let result: DeliveryResult;
    if (!target) {
      result = { ok: false, retryable: false, durationMs: 0, error: `no delivery channel configured for department ${row.department}` };
    } else {
      const body = { ...row.payload, subApplicationId: row.id, round: row.round, materials: this.materialLinks(row) };
      try {
        result = await this.o.channels[target.channel].deliver({ subApplicationId: row.id, department: row.department, idempotencyKey, body, target });
      } catch (err) {
        result = { ok: false, retryable: true, durationMs: Date.now() - started.getTime(), error: (err as Error).message.slice(0, 500) };
      }
    }
    return { row, idempotencyKey, started, result };
  }

  private materialLinks(row: ClaimedRow): unknown {
    const materials = Array.isArray(row.payload.materials) ? (row.payload.materials as Record<string, unknown>[]) : [];
    return materials.map((m) =>
      m.sha256 ? { ...m, url: `${this.o.publicUrl}/api/sub-applications/${row.id}/materials/${encodeURIComponent(String(m.code))}` } : m,
    );
  }

  /**
   * The batch's results in one transaction (one commit per batch instead of one per delivery);
   * should that transaction fail, each result in one of its own, so that one bad row costs the
   * others nothing.
   */
  private async recordAll(outcomes: readonly Outcome[]): Promise<void> {
    if (!outcomes.length) return;
    try {
      await this.recordBatch(outcomes);
    } catch (err) {
      this.o.logger.warn({ err, results: outcomes.length }, 'dispatch: recording a batch failed; recording its results one by one');
      for (const o of outcomes) {
        try {
          await this.recordBatch([o]);
        } catch (one) {
          // The row keeps its lease and goes out again with the same idempotency key when it runs out.
          this.o.logger.error({ err: one, subApplication: o.row.id }, 'dispatch: recording a delivery failed');
        }
      }
    }
  }

  /**
   * Every attempt in one INSERT, every delivered row (with its history event) in one statement;
   * the rare failures one by one. The batch's applications are locked first, in one order: a
   * department's action takes its application's lock before its rows (server/departments/service.ts),
   * so taking the rows of several applications first could deadlock with it.
   */
  private async recordBatch(outcomes: readonly Outcome[]): Promise<void> {
    const parked: Outcome[] = [];
    await this.o.db.transaction(async (tx) => {
      const applications = [...new Set(outcomes.map((o) => o.row.application_id))];
      await tx.query('SELECT 1 FROM applications WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE', [applications]);
      const params: unknown[] = [];
      const values = outcomes.map(({ row, idempotencyKey, started, result }) => {
        const p = params.push(row.id, row.round, row.attempts, idempotencyKey, started, Math.round(result.durationMs), result.ok, result.statusCode ?? null, result.error ?? null);
        return `($${p - 8}::uuid, $${p - 7}::int, $${p - 6}::int, $${p - 5}, $${p - 4}::timestamptz, $${p - 3}::int, $${p - 2}::boolean, $${p - 1}::int, $${p})`;
      });
      await tx.query(
        `INSERT INTO delivery_attempts (sub_application_id, round, attempt, idempotency_key, started_at, duration_ms, ok, status_code, error) VALUES ${values.join(', ')}`,
        params,
      );
      // The attempt (same round and attempt count) keeps a worker whose lease ran out from
      // overwriting what another worker recorded since.
      await deliverMany(
        tx,
        'dispatch',
        outcomes.filter((o) => o.result.ok).map(({ row, result }) => ({ id: row.id, attempt: { round: row.round, attempts: row.attempts }, note: { attempt: row.attempts, statusCode: result.statusCode ?? null } })),
      );
      for (const o of outcomes) {
        if (o.result.ok) continue;
        const { row, result } = o;
        const attempt = { round: row.round, attempts: row.attempts };
        if (!result.retryable || row.attempts - row.retry_base >= this.maxAttempts) {
          await transition(tx, {
            transition: 'park', id: row.id, applicationId: row.application_id, actor: 'dispatch', attempt,
            lastError: result.error ?? 'delivery failed', note: { attempts: row.attempts, error: result.error ?? null },
          });
          parked.push(o);
        } else {
          const due = nextAttemptAt(row.first_attempt_at, row.attempts - row.retry_base, this.backoff);
          await reschedule(tx, { id: row.id, round: row.round, attempt: row.attempts, due, lastError: result.error ?? 'delivery failed' });
        }
      }
    });
    for (const { row, result } of parked) this.o.logger.warn({ subApplication: row.id, department: row.department, attempts: row.attempts, error: result.error }, 'dispatch: parked as dead');
  }
}
