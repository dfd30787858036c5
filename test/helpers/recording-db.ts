import type { Database, Queryable } from '../../server/db/types.js';

export interface RecordedStatement {
  sql: string;
  params: readonly unknown[] | undefined;
}

/**
 * A database that keeps every statement sent through it (in transactions too), so a test can
 * look at the product's own SQL, exactly as the product built it, after driving it normally.
 */
export function recordingDatabase(db: Database): Database & { statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      statements.push({ sql, params });
      return q.query(sql, params);
    },
    exec: (sql) => q.exec(sql),
  });
  const plain = wrap(db);
  return {
    kind: db.kind,
    statements,
    query: plain.query,
    exec: plain.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
    ...(db.listen ? { listen: db.listen.bind(db) } : {}),
  };
}
