import type { Database, Queryable } from '../db/types.js';
import type { User } from '../auth/types.js';
import { ConflictError } from '../errors.js';
import { ApplicationNotFoundError, ItemNotFoundError } from '../applications/errors.js';
import { isUuid } from '../applications/service.js';



/** Statuses after which every department has answered: the service can be judged. */
const FINISHED = ['completed', 'partially_completed', 'rejected'];

export interface Rating {
  score: number;
  comment: string | null;
  createdAt: Date;
}

interface RatingRow {
  score: number;
  comment: string | null;
  created_at: Date;
}

const toRating = (r: RatingRow): Rating => ({ score: Number(r.score), comment: r.comment, createdAt: r.created_at });

/** The rating of an application, for its detail; null while it has none. */
export async function ratingOf(db: Queryable, applicationId: string): Promise<Rating | null> {
  const { rows } = await db.query<RatingRow>('SELECT score, comment, created_at FROM ratings WHERE application_id = $1', [applicationId]);
  return rows[0] ? toRating(rows[0]) : null;
}

/** The ratings of an application's items, by sub-application. */
export async function itemRatingsOf(db: Queryable, applicationId: string): Promise<Map<string, Rating>> {
  const { rows } = await db.query<RatingRow & { sub_application_id: string }>('SELECT sub_application_id, score, comment, created_at FROM item_ratings WHERE application_id = $1', [applicationId]);
  return new Map(rows.map((r) => [r.sub_application_id, toRating(r)]));
}

/** An item the department has answered: it can be judged on its own (一事一评). */
const ITEM_FINISHED = ['completed', 'rejected'];

export class RatingService {
  constructor(private readonly db: Database) {}

  /**
   * One rating per application, by its applicant, once every department has answered. The
   * application row is locked so a double click cannot slip a second rating past the check.
   */
  /** The score and comment were checked at the route (shared/contracts/applications.ts RatingBody). */
  async rate(user: User, applicationId: string, body: { score: number; comment?: string | null }): Promise<Rating> {
    const input = { score: body.score, comment: body.comment?.trim() || null };
    if (!isUuid(applicationId)) throw new ApplicationNotFoundError();
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: string; bundle_id: string }>('SELECT status, bundle_id FROM applications WHERE id = $1 AND applicant_id = $2 FOR UPDATE', [
        applicationId,
        user.id,
      ]);
      const app = rows[0];
      if (!app) throw new ApplicationNotFoundError();
      if (!FINISHED.includes(app.status)) {
        throw new ConflictError('办结后才能评价', 'An application can be rated once it is finished', [{ path: 'status', message: `当前状态：${app.status}`, messageEn: `current status: ${app.status}` }]);
      }
      const inserted = await tx.query<RatingRow>(
        `INSERT INTO ratings (application_id, applicant_id, bundle_id, score, comment) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (application_id) DO NOTHING RETURNING score, comment, created_at`,
        [applicationId, user.id, app.bundle_id, input.score, input.comment],
      );
      if (!inserted.rows[0]) throw new ConflictError('该申请已评价，每件申请只能评价一次', 'This application was already rated; each may be rated once');
      return toRating(inserted.rows[0]);
    });
  }

  /** 一事一评: one department's item, by the applicant, once the department has answered it; once. */
  async rateItem(user: User, applicationId: string, subId: string, body: { score: number; comment?: string | null }): Promise<Rating> {
    const input = { score: body.score, comment: body.comment?.trim() || null };
    if (!isUuid(applicationId)) throw new ApplicationNotFoundError();
    if (!isUuid(subId)) throw new ItemNotFoundError();
    return this.db.transaction(async (tx) => {
      const owned = await tx.query('SELECT 1 FROM applications WHERE id = $1 AND applicant_id = $2', [applicationId, user.id]);
      if (!owned.rows[0]) throw new ApplicationNotFoundError();
      const { rows } = await tx.query<{ status: string; department: string; item_id: string }>('SELECT status, department, item_id FROM sub_applications WHERE id = $1 AND application_id = $2 FOR UPDATE', [subId, applicationId]);
      const sub = rows[0];
      if (!sub) throw new ItemNotFoundError();
      if (!ITEM_FINISHED.includes(sub.status)) {
        throw new ConflictError('部门办结或答复后才能评价该事项', 'An item can be rated once its department has answered', [{ path: 'status', message: '该事项仍在办理中', messageEn: 'the item is still in progress' }]);
      }
      const inserted = await tx.query<RatingRow>(
        `INSERT INTO item_ratings (sub_application_id, application_id, applicant_id, department, item_id, score, comment) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sub_application_id) DO NOTHING RETURNING score, comment, created_at`,
        [subId, applicationId, user.id, sub.department, sub.item_id, input.score, input.comment],
      );
      if (!inserted.rows[0]) throw new ConflictError('该事项已评价，每个事项只能评价一次', 'This item was already rated; each may be rated once');
      return toRating(inserted.rows[0]);
    });
  }
}
