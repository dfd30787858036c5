import type { Database } from '../db/types.js';
import type { BundleRegistry } from '../bundles/registry.js';
import type { DepartmentService } from '../departments/service.js';
import type { Principal, User } from '../auth/types.js';
import type { InboxFilter } from '../../shared/contracts/workbench.js';
import { SUB_STATUSES, type SubStatus } from '../../shared/lifecycle.js';
import { deadline, type Deadline, type WorkCalendar } from './working-days.js';
import { APPLICANT_COLUMNS, maskedApplicant, type ApplicantColumns } from '../subapps/applicant.js';
import { DepartmentNotFoundError } from '../departments/errors.js';
import { actorNames } from '../actors.js';

/** Statuses in which the department's clock runs: the item sits with the department. */
const RUNNING: readonly SubStatus[] = ['queued', 'delivered', 'accepted'];


interface InboxRow extends ApplicantColumns {
  id: string;
  application_id: string;
  application_number: string | null;
  item_id: string;
  status: SubStatus;
  round: number;
  time_limit_days: number;
  promised_by: Date | null;
  created_at: Date;
  delivered_at: Date | null;
  completed_at: Date | null;
  updated_at: Date;
  bundle_id: string;
  version: string;
}

export interface Clock {
  /** Where the limit stands now; null while the clock is stopped (补正: waiting for the applicant). */
  deadline: Deadline | null;
  /** Completed after the close of its last working day. */
  completedLate: boolean;
}

type ClockRow = { status: SubStatus; time_limit_days: number; promised_by: Date | null; created_at: Date; delivered_at: Date | null; completed_at: Date | null };

function clockOf(row: ClockRow, now: Date, calendar: WorkCalendar): Clock {
  // The limit runs from receipt; a supplement re-delivers the item and the count starts again
  // (补正后重新计算), which delivered_at records. An item inside the bundle's promise is due by
  // the promised instant when that comes before its own limit.
  const started = row.delivered_at ?? row.created_at;
  if (row.status === 'supplement' || row.status === 'rejected') return { deadline: null, completedLate: false };
  if (row.status === 'completed') {
    const d = deadline(started, row.time_limit_days, row.completed_at ?? now, calendar, row.promised_by);
    return { deadline: { ...d, overdue: false }, completedLate: d.overdue };
  }
  return { deadline: deadline(started, row.time_limit_days, now, calendar, row.promised_by), completedLate: false };
}

function staffDepartment(user: User): string {
  if (user.role !== 'staff' || !user.department) throw new DepartmentNotFoundError();
  return user.department;
}

/**
 * The web inbox of one department's staff: the department API's rows with what a counter needs
 * on top: item titles, the time limit in working days and whether it has run out (督办).
 */
export class WorkbenchService {
  constructor(
    private readonly db: Database,
    private readonly registry: BundleRegistry,
    private readonly departments: DepartmentService,
    private readonly calendar: WorkCalendar = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Items of the department in the newest versions, for the filter; titles in both languages. */
  private async itemTitles(department: string): Promise<Map<string, { title: string; titleEn: string }>> {
    const out = new Map<string, { title: string; titleEn: string }>();
    for (const v of await this.registry.list()) {
      for (const bi of v.bundle.items) {
        const item = v.catalogue.items.get(bi.item);
        if (item?.department === department && !out.has(item.id)) out.set(item.id, { title: item.title, titleEn: item.titleEn });
      }
    }
    return out;
  }

  /** The query's values were checked at the route (shared/contracts/workbench.ts InboxQuery). */
  async inbox(user: User, query: { status?: InboxFilter; item?: string; overdue?: 'true' | 'false'; number?: string }) {
    const department = staffDepartment(user);
    const status = query.status ?? 'open';
    const { item, overdue } = query;

    // The same visibility as the department API: nothing before it was sent, nothing parked.
    // A row sent but not yet marked delivered (the worker records its results a batch behind)
    // is shown as delivered, so the delivered filter finds it too.
    const statuses: readonly string[] =
      status === 'open' ? RUNNING : status === 'all' ? SUB_STATUSES : status === 'delivered' ? ['queued', 'delivered'] : [status];
    const { rows } = await this.db.query<InboxRow>(
      `SELECT s.id, s.application_id, a.number AS application_number, s.item_id, s.status, s.round, s.time_limit_days, s.promised_by, s.created_at, s.delivered_at, s.completed_at, s.updated_at, a.bundle_id, a.version,
              ${APPLICANT_COLUMNS}
         FROM sub_applications s JOIN applications a ON a.id = s.application_id JOIN users u ON u.id = a.applicant_id
        WHERE s.department = $1 AND s.status = ANY($2::text[]) AND ($3::text IS NULL OR s.item_id = $3) AND ($4::text IS NULL OR a.number LIKE '%' || $4)
          AND s.status NOT IN ('waiting', 'dead') AND NOT (s.status = 'queued' AND s.attempts = 0)
        ORDER BY s.created_at DESC LIMIT 1000`,
      [department, statuses, item ?? null, query.number ?? null],
    );
    const titles = await this.itemTitles(department);
    const now = this.now();
    const all = rows.map((r) => {
      const clock = clockOf(r, now, this.calendar);
      const title = titles.get(r.item_id);
      return {
        id: r.id,
        applicationId: r.application_id,
        applicationNumber: r.application_number,
        bundleId: r.bundle_id,
        version: r.version,
        itemId: r.item_id,
        itemTitle: title?.title ?? r.item_id,
        itemTitleEn: title?.titleEn ?? r.item_id,
        applicant: maskedApplicant(r),
        // A row the worker has not yet marked delivered is with the department all the same.
        status: r.status === 'queued' ? ('delivered' as const) : r.status,
        round: r.round,
        timeLimitDays: r.time_limit_days,
        receivedAt: r.delivered_at ?? r.created_at,
        completedAt: r.completed_at,
        updatedAt: r.updated_at,
        dueDate: clock.deadline?.dueDate ?? null,
        dueAt: clock.deadline?.dueAt ?? null,
        promisedBy: r.promised_by,
        overdue: clock.deadline?.overdue ?? false,
        workingDaysLeft: clock.deadline && RUNNING.includes(r.status) ? clock.deadline.workingDaysLeft : null,
        completedLate: clock.completedLate,
      };
    });
    // Most urgent first: overdue, then by due time; finished ones newest first after them.
    const rank = (r: (typeof all)[number]) => (r.workingDaysLeft === null ? 1 : 0);
    all.sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? a.dueAt!.getTime() - b.dueAt!.getTime() : b.updatedAt.getTime() - a.updatedAt.getTime()));
    const filtered = overdue === 'true' ? all.filter((r) => r.overdue) : overdue === 'false' ? all.filter((r) => !r.overdue) : all;
    return {
      department,
      items: [...titles].map(([id, t]) => ({ id, ...t })),
      overdueCount: all.filter((r) => r.overdue).length,
      rows: filtered.slice(0, 500),
    };
  }

  /**
   * One sub-application for the workbench: the department API's view (which writes the audit
   * record, with the reason the staff member gave) plus English labels and the clock.
   */
  async detail(principal: Principal, id: string, reason: string) {
    const sub = await this.departments.get(principal, id, { reason, route: 'GET /api/workbench/sub-applications/:id' });
    const { rows } = await this.db.query<ClockRow & { bundle_id: string; version: string }>(
      `SELECT a.bundle_id, a.version, s.created_at, s.time_limit_days, s.promised_by, s.status, s.delivered_at, s.completed_at
         FROM sub_applications s JOIN applications a ON a.id = s.application_id WHERE s.id = $1`,
      [sub.id],
    );
    const row = rows[0]!;
    const v = await this.registry.get(row.bundle_id, row.version);
    const item = v.catalogue.items.get(sub.itemId);
    const clock = clockOf(row, this.now(), this.calendar);
    const el = (element: string) => v.catalogue.elements.get(element);
    // Coded values (性别 2, 民族 01) with the words the code stands for, as the dictionary lists them.
    const valueLabel = (element: string, value: unknown) => {
      const options = el(element)?.schema.oneOf;
      const o = Array.isArray(options) ? (options as { const?: unknown; title?: string; titleEn?: string }[]).find((x) => x.const === value) : undefined;
      return o?.title ? { zh: o.title, en: o.titleEn ?? o.title } : null;
    };
    return {
      ...sub,
      bundle: { id: v.bundleId, version: v.version, title: v.bundle.title, titleEn: v.bundle.titleEn },
      titleEn: item?.titleEn ?? sub.itemId,
      departmentName: v.catalogue.departments.get(sub.department)?.name ?? sub.department,
      departmentNameEn: v.catalogue.departments.get(sub.department)?.nameEn ?? sub.department,
      fieldLabelsEn: Object.fromEntries((item?.fields ?? []).map((f) => [f.name, el(f.element)?.titleEn ?? f.name])),
      valueLabels: Object.fromEntries((item?.fields ?? []).flatMap((f) => {
        const l = valueLabel(f.element, sub.fields[f.name]);
        return l ? [[f.name, l]] : [];
      })),
      sensitiveFields: (item?.fields ?? []).filter((f) => el(f.element)?.sensitive).map((f) => f.name),
      producesEn: Object.fromEntries(sub.produces.map((p) => [p.key, el(p.key)?.titleEn ?? v.catalogue.materials.get(p.key)?.titleEn ?? p.key])),
      materialsEn: Object.fromEntries(sub.materials.map((m) => [m.code, v.catalogue.materials.get(m.code)?.titleEn ?? m.code])),
      // An earlier item's result is a data element (the child's 公民身份号码) or a material (出生医学证明).
      inputLabels: Object.fromEntries(Object.keys(sub.inputs).map((k) => {
        const e = el(k) ?? v.catalogue.materials.get(k);
        return [k, { zh: e?.title ?? k, en: e?.titleEn ?? e?.title ?? k }];
      })),
      actorNames: await actorNames(this.db, sub.history.map((h) => h.actor), v.catalogue.departments),
      dueDate: clock.deadline?.dueDate ?? null,
      dueAt: clock.deadline?.dueAt ?? null,
      promisedBy: row.promised_by,
      overdue: clock.deadline?.overdue ?? false,
      workingDaysLeft: clock.deadline && RUNNING.includes(row.status) ? clock.deadline.workingDaysLeft : null,
      completedLate: clock.completedLate,
    };
  }
}
