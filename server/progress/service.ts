import type { Database } from '../db/types.js';
import type { BundleRegistry } from '../bundles/registry.js';
import type { SubStatus } from '../../shared/lifecycle.js';
import type { Progress } from '../../shared/contracts/progress.js';
import { regionalVersion } from '../bundles/regional.js';
import { chinaIso } from '../../shared/calendar.js';
import { normaliseQueryCode } from '../../shared/query-code.js';
import { NotFoundError } from '../errors.js';

/** A wrong number and a wrong code answer alike: the answer never tells which numbers exist. */
export class ProgressNotFoundError extends NotFoundError {
  constructor() {
    super('办件编号或查询码不正确，请核对受理回执', 'The application number or the query code is wrong: check the receipt');
  }
}

/** 进度查询 by 办件编号 and 查询码 (the receipt's), for anyone holding the receipt. */
export class ProgressService {
  constructor(private readonly d: { db: Database; registry: BundleRegistry }) {}

  async find(number: string, typed: string): Promise<Progress> {
    const code = normaliseQueryCode(typed);
    if (!code) throw new ProgressNotFoundError();
    const { rows } = await this.d.db.query<{ id: string; bundle_id: string; version: string; region: string | null; status: string; submitted_at: Date; promised_by: Date | null }>(
      'SELECT id, bundle_id, version, region, status, submitted_at, promised_by FROM applications WHERE number = $1 AND query_code = $2',
      [number, code],
    );
    const app = rows[0];
    if (!app) throw new ProgressNotFoundError();
    const standard = await this.d.registry.get(app.bundle_id, app.version);
    const v = regionalVersion(standard, app.region) ?? standard;
    const subs = await this.d.db.query<{ item_id: string; department: string; status: SubStatus }>('SELECT item_id, department, status FROM sub_applications WHERE application_id = $1 ORDER BY position', [app.id]);
    return {
      number,
      title: v.bundle.title,
      status: app.status as Progress['status'],
      submittedAt: app.submitted_at.toISOString(),
      promisedBy: app.promised_by ? chinaIso(app.promised_by) : null,
      items: subs.rows.map((s) => ({
        title: v.catalogue.items.get(s.item_id)?.title ?? s.item_id,
        departmentName: v.catalogue.departments.get(s.department)?.name ?? s.department,
        status: s.status,
      })),
    };
  }
}
