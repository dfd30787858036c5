import type { Database, Queryable } from '../db/types.js';
import type { Logger } from '../log.js';
import type { Config } from '../config.js';

/**
 * The tables partitioned by month (server/db/migrations/021_monthly_partitions.sql): the months
 * ahead are prepared here, and whole months past the retention setting are dropped here. Month
 * partitions are named `<table>_pYYYYMM` (UTC months), the catch-all `<table>_default`.
 */
export interface PartitionedTable {
  table: string;
  /** The timestamp the table is partitioned by. */
  column: string;
  /** Which setting bounds it: RETENTION_MONTHS (records) or AUDIT_RETENTION_MONTHS (audit). */
  retention: 'records' | 'audit';
  /** Rows retention never drops, whatever their age (a notice still to be sent). */
  keep?: string;
}

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'sub_application_events', column: 'at', retention: 'records' },
  { table: 'delivery_attempts', column: 'started_at', retention: 'records' },
  { table: 'notices', column: 'created_at', retention: 'records', keep: `state = 'queued'` },
  { table: 'audit_log', column: 'at', retention: 'audit' },
];

export interface PartitionPolicy {
  /** Months prepared after the current one (PARTITION_MONTHS_AHEAD). */
  monthsAhead: number;
  /** Whole months kept before the current one; undefined keeps everything (RETENTION_MONTHS). */
  retentionMonths: number | undefined;
  /** The same for the audit log (AUDIT_RETENTION_MONTHS). */
  auditRetentionMonths: number | undefined;
}

export function partitionPolicy(config: Pick<Config, 'partitionMonthsAhead' | 'retentionMonths' | 'auditRetentionMonths'>): PartitionPolicy {
  return { monthsAhead: config.partitionMonthsAhead, retentionMonths: config.retentionMonths, auditRetentionMonths: config.auditRetentionMonths };
}

export interface MaintenanceResult {
  /** Partitions created, by name. */
  created: string[];
  /** Partitions dropped by retention, by name. */
  dropped: string[];
  /** Partitions past retention kept because they still hold rows that must not go. */
  kept: string[];
  /** Rows past retention deleted from the DEFAULT partitions. */
  purged: number;
}

/** The first instant of the UTC month `offset` months from the one `at` is in. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

function monthName(table: string, start: Date): string {
  return `${table}_p${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month partitions of a table with the month each holds, oldest first. */
export async function monthPartitions(db: Queryable, table: string): Promise<{ name: string; month: Date }[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass(quote_ident($1)) ORDER BY c.relname`,
    [table],
  );
  const pattern = new RegExp(`^${table}_p(\\d{4})(\\d{2})$`);
  return rows.flatMap((r) => {
    const m = pattern.exec(r.name);
    return m ? [{ name: r.name, month: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) }] : [];
  });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Prepares the current month and `monthsAhead` after it on every partitioned table, and drops
 * the month partitions that ended before the retention cut-off (the first day of the month
 * `retentionMonths` before the current one): a row is kept at least that many whole months.
 * One transaction under an advisory lock, so processes starting together take turns; a run
 * that finds everything in place only reads the catalogue.
 */
export async function maintainPartitions(db: Database, policy: PartitionPolicy, now: Date = new Date()): Promise<MaintenanceResult> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('yijianshi.partitions:' || current_schema()))`);
    const result: MaintenanceResult = { created: [], dropped: [], kept: [], purged: 0 };
    for (const t of PARTITIONED_TABLES) {
      for (let k = 0; k <= policy.monthsAhead; k++) {
        const start = monthStart(now, k);
        const { rows } = await tx.query<{ created: boolean }>('SELECT ensure_month_partition($1, $2::date) AS created', [t.table, start.toISOString().slice(0, 10)]);
        if (rows[0]?.created) result.created.push(monthName(t.table, start));
      }
      const months = t.retention === 'audit' ? policy.auditRetentionMonths : policy.retentionMonths;
      if (months === undefined) continue;
      const cutoff = monthStart(now, -months);
      for (const p of await monthPartitions(tx, t.table)) {
        if (p.month.getTime() >= cutoff.getTime()) continue;
        if (t.keep) {
          const { rows } = await tx.query(`SELECT 1 FROM ${quoteIdent(p.name)} WHERE ${t.keep} LIMIT 1`);
          if (rows.length) {
            result.kept.push(p.name);
            continue;
          }
        }
        await tx.exec(`DROP TABLE ${quoteIdent(p.name)}`);
        result.dropped.push(p.name);
      }
      // Rows that landed in DEFAULT (a month nobody prepared) age out the same way.
      const purged = await tx.query(
        `DELETE FROM ${quoteIdent(`${t.table}_default`)} WHERE ${quoteIdent(t.column)} < $1${t.keep ? ` AND NOT (${t.keep})` : ''}`,
        [cutoff],
      );
      result.purged += purged.rowCount;
    }
    return result;
  });
}

/** Runs the maintenance now and then every `intervalMs`, logging what it changed. */
export class PartitionMaintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly o: { db: Database; policy: PartitionPolicy; logger: Logger; intervalMs?: number },
  ) {}

  /** One run; failures are logged, never thrown: a missed run is made up by the next. */
  async runOnce(): Promise<MaintenanceResult | undefined> {
    try {
      const r = await maintainPartitions(this.o.db, this.o.policy);
      if (r.created.length || r.dropped.length || r.kept.length || r.purged) this.o.logger.info(r, 'partitions: maintained');
      return r;
    } catch (err) {
      this.o.logger.error({ err }, 'partitions: maintenance failed');
      return undefined;
    }
  }

  start(): void {
    const tick = () => {
      this.running = this.runOnce().then(() => undefined);
    };
    this.timer = setInterval(tick, this.o.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
