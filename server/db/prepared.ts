/**
 * Statements PostgreSQL keeps parsed on each connection (named prepared statements): the hot,
 * fixed-text ones, run on every request or every worker round. A named statement skips parsing
 * and, once PostgreSQL settles on a generic plan, planning: the session lookup went from about
 * 120–190 µs of PostgreSQL's CPU per run to 35 on this machine. Behind a connection pooler in
 * transaction mode, the pooler must keep prepared statements (PgBouncer ≥ 1.21 with
 * max_prepared_statements), or use session mode.
 *
 * Only texts with explicit column lists: a prepared `SELECT *` fails ("cached plan must not
 * change result type") once a migration adds a column while an older process still runs. And
 * only fixed texts: each one stays prepared on every pooled connection for the connection's life.
 */
const names = new Map<string, string>();

/** Marks `sql` to be run as a named prepared statement where the database keeps them; returns it. */
export function prepared(sql: string): string {
  if (!names.has(sql)) names.set(sql, `yjs_${names.size + 1}`);
  return sql;
}

/** The name `sql` is prepared under, or undefined for a statement run unnamed. */
export function statementName(sql: string): string | undefined {
  return names.get(sql);
}
