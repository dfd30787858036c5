import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import { DEFAULT_BACKOFF, nextAttemptAt, type BackoffPolicy } from '../dispatch/backoff.js';
import { renderSms, type NoticeFacts } from '../../shared/notice-templates.js';
import type { NoticeSenders } from './channels/registry.js';
import type { NoticeResult } from './channels/types.js';
import { redactText } from '../redact.js';

export interface NoticeWorkerOptions {
  db: Database;
  logger: Logger;
  senders: NoticeSenders;
  departmentName(code: string): { zh: string; en: string } | undefined;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  batchSize?: number;
  pollMs?: number;
  /** How long a claimed notice stays invisible to other workers while it is sent. */
  leaseMs?: number;
}

interface ClaimedNotice {
  id: string;
  channel: string;
  event: string;
  payload: NoticeFacts;
  attempts: number;
  retry_base: number;
  first_attempt_at: Date;
  mobile: string | null;
}

/**
 * Sends queued notices (SMS): claims due rows with FOR UPDATE SKIP LOCKED and a lease (the claim
 * commits before the gateway is called), sends, and records the result only if the row is still
 * in the attempt it claimed, so any number of workers in any number of processes send a notice
 * once per attempt, and the idempotency key (the notice's id) makes the attempts one message.
 */
export class NoticeWorker {
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly o: NoticeWorkerOptions) {
    this.maxAttempts = o.maxAttempts ?? 8;
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.batchSize = o.batchSize ?? 32;
    this.pollMs = o.pollMs ?? 500;
    this.leaseMs = o.leaseMs ?? 60_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (err) {
        this.o.logger.error({ err }, 'notices: claiming or recording failed');
      }
      if (handled === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  /** Claims one batch of due notices and sends them; returns how many it handled. */
  async runOnce(): Promise<number> {
    const { rows } = await this.o.db.query<ClaimedNotice>(
      `WITH due AS (
         SELECT id FROM notices
          WHERE state = 'queued' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED)
       UPDATE notices n
          SET attempts = n.attempts + 1,
              first_attempt_at = COALESCE(n.first_attempt_at, now()),
              next_attempt_at = now() + make_interval(secs => $2::double precision / 1000),
              updated_at = now()
         FROM due, users u
        WHERE n.id = due.id AND u.id = n.user_id
      RETURNING n.id, n.channel, n.event, n.payload, n.attempts, n.retry_base, n.first_attempt_at, u.mobile`,
      [this.batchSize, this.leaseMs],
    );
    await Promise.all(rows.map((row) => this.send(row)));
    return rows.length;
  }

  private async send(row: ClaimedNotice): Promise<void> {
    const sender = row.channel === 'sms' ? this.o.senders.sms : undefined;
    let result: NoticeResult;
    if (!sender) {
      result = { ok: false, retryable: false, error: `no sender configured for channel ${row.channel} (SMS_GATEWAY_URL)` };
    } else {
      const f = row.payload;
      const departmentName = f.department ? this.o.departmentName(f.department) : undefined;
      const text = renderSms({ ...f, ...(departmentName ? { departmentName } : {}) });
      try {
        result = await sender.send({ idempotencyKey: row.id, mobile: row.mobile, text, event: row.event });
      } catch (err) {
        result = { ok: false, retryable: true, error: (err as Error).message.slice(0, 300) };
      }
    }
    await this.record(row, result);
  }

  private async record(row: ClaimedNotice, result: NoticeResult): Promise<void> {
    const error = result.error ? redactText(result.error).slice(0, 500) : 'sending failed';
    const giveUp = !result.ok && (!result.retryable || row.attempts - row.retry_base >= this.maxAttempts);
    // Guarded by the attempt: a worker whose lease ran out changes nothing another has recorded since.
    if (result.ok) {
      await this.o.db.query(
        `UPDATE notices SET state = 'sent', sent_at = now(), next_attempt_at = NULL, last_error = NULL, updated_at = now()
          WHERE id = $1 AND state = 'queued' AND attempts = $2`,
        [row.id, row.attempts],
      );
    } else if (giveUp) {
      await this.o.db.query(
        `UPDATE notices SET state = 'dead', next_attempt_at = NULL, last_error = $3, updated_at = now()
          WHERE id = $1 AND state = 'queued' AND attempts = $2`,
        [row.id, row.attempts, error],
      );
      this.o.logger.warn({ notice: row.id, channel: row.channel, attempts: row.attempts, error }, 'notices: parked as dead');
    } else {
      const due = nextAttemptAt(row.first_attempt_at, row.attempts - row.retry_base, this.backoff);
      await this.o.db.query(
        `UPDATE notices SET next_attempt_at = GREATEST($3::timestamptz, now()), last_error = $4, updated_at = now()
          WHERE id = $1 AND state = 'queued' AND attempts = $2`,
        [row.id, row.attempts, due, error],
      );
    }
  }
}
