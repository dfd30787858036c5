import { describe, it, expect } from 'vitest';
import { databaseTargets } from '../helpers/db.js';
import { migrate } from '../../server/db/migrate.js';
import { APPLICATION_COLUMNS } from '../../server/applications/service.js';
import { prepared, statementName } from '../../server/db/prepared.js';

/**
 * The statements that read a whole application run prepared, so they name its columns instead of
 * `*`: the list must be the table's, or a migration's new column would silently go unread.
 */
describe.each(databaseTargets())('prepared statements, on $kind', ({ open }) => {
  it('name every column of applications, in the order the migrations leave them', async () => {
    const db = await open();
    try {
      await migrate(db);
      const { rows } = await db.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'applications' ORDER BY ordinal_position`,
      );
      expect(rows.map((r) => r.name)).toEqual([...APPLICATION_COLUMNS]);
    } finally {
      await db.close();
    }
  });

  it('run a marked text under its name, and give the same result as the text unmarked', async () => {
    const db = await open();
    try {
      const text = prepared('SELECT $1::int + 1 AS n, current_schema() IS NOT NULL AS here');
      expect(statementName(text)).toMatch(/^yjs_\d+$/);
      expect(statementName('SELECT 2')).toBeUndefined();
      for (let i = 0; i < 7; i++) expect((await db.query<{ n: number; here: boolean }>(text, [i])).rows).toEqual([{ n: i + 1, here: true }]);
      expect(await db.transaction(async (tx) => (await tx.query<{ n: number }>(text, [41])).rows[0]!.n)).toBe(42);
    } finally {
      await db.close();
    }
  });
});
