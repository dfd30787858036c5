import type { ValidateFunction } from 'ajv';
import { createAjv } from '../ajv.js';
import type { Database, Queryable } from '../db/types.js';
import type { BundleRegistry } from '../bundles/registry.js';
import type { MaterialStore } from '../materials/store.js';
import type { Principal } from '../auth/types.js';
import { formatMessage } from '../../shared/formats.js';
import { checkAction, allowedActions, type DepartmentAction, type SubStatus } from '../../shared/lifecycle.js';
import type { ActionBody } from '../../shared/contracts/departments.js';
import { ConflictError, NotFoundError, ValidationError, type ErrorDetail } from '../errors.js';
import { describeSupplement, isUuid, type SubPayload, type SupplementRequest } from '../applications/service.js';
import { historyOf } from '../subapps/history.js';
import { transition } from '../subapps/transition.js';
import { signalRelease } from '../dispatch/signal.js';
import { audit } from '../audit.js';
import { APPLICANT_COLUMNS, maskedApplicant, type ApplicantColumns } from '../subapps/applicant.js';
import { DepartmentNotFoundError, SubApplicationNotFoundError } from './errors.js';
import { purposeOf, type ReadAccess } from './purpose.js';
import { addWorkingDays, type WorkCalendar } from '../../shared/calendar.js';
import { chinaToday } from '../../shared/beijing-time.js';
import { DEFAULT_SUPPLEMENT_DAYS } from '../config.js';
import { departmentUrl, documentsOf, prepareDocuments, recordDocuments, storeDocuments, subDocument } from '../results/documents.js';

interface SubRow {
  id: string;
  application_id: string;
  /** 办件编号 of the application (joined). */
  application_number: string | null;
  item_id: string;
  department: string;
  status: SubStatus;
  after_items: string[];
  payload: SubPayload;
  outputs: Record<string, unknown> | null;
  supplement: SupplementRequest | null;
  reason: string | null;
  round: number;
  attempts: number;
  time_limit_days: number;
  created_at: Date;
  delivered_at: Date | null;
  completed_at: Date | null;
  bundle_id: string;
  version: string;
}

const ajv = createAjv();
const outputValidators = new Map<string, ValidateFunction>();

function department(principal: Principal): string {
  if (principal.kind === 'department') return principal.department;
  if (principal.user.role === 'staff' && principal.user.department) return principal.user.department;
  throw new SubApplicationNotFoundError();
}

/** The department side: a department sees and acts on its own sub-applications only. */
export class DepartmentService {
  constructor(
    private readonly db: Database,
    private readonly registry: BundleRegistry,
    private readonly store: MaterialStore,
    private readonly options: {
      calendar?: WorkCalendar;
      supplementDays?: number;
      /** Issues a completed item's licences (server/licences/): scheduled once the completion is committed. */
      results?: { schedule(subId: string): void };
    } = {},
  ) {}

  async list(principal: Principal, code: string, status: SubStatus | undefined) {
    if (department(principal) !== code) throw new DepartmentNotFoundError();
    const { rows } = await this.db.query<SubRow & ApplicantColumns>(
      `SELECT s.id, s.application_id, a.number AS application_number, s.item_id, s.status, s.round, s.time_limit_days, s.created_at, s.delivered_at, s.completed_at,
              ${APPLICANT_COLUMNS}
         FROM sub_applications s JOIN applications a ON a.id = s.application_id JOIN users u ON u.id = a.applicant_id
        WHERE s.department = $1 AND ($2::text IS NULL OR s.status = $2) AND s.status <> 'waiting' AND NOT (s.status IN ('queued', 'dead') AND s.attempts = 0)
        ORDER BY s.created_at DESC LIMIT 500`,
      [code, status ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      applicationId: r.application_id,
      applicationNumber: r.application_number,
      itemId: r.item_id,
      // A list shows who applied only masked; the full identity is in the audited read of one case.
      applicant: maskedApplicant(r),
      status: r.status,
      round: r.round,
      timeLimitDays: r.time_limit_days,
      deliveredAt: r.delivered_at,
      completedAt: r.completed_at,
    }));
  }

  private async load(db: Queryable, principal: Principal, id: string, lock = false): Promise<SubRow> {
    const code = department(principal);
    if (!isUuid(id)) throw new SubApplicationNotFoundError();
    const { rows } = await db.query<SubRow>(
      `SELECT s.*, a.bundle_id, a.version, a.number AS application_number FROM sub_applications s JOIN applications a ON a.id = s.application_id
        WHERE s.id = $1 AND s.department = $2${lock ? ' FOR UPDATE OF s' : ''}`,
      [id, code],
    );
    // Not yet sent means not yet the department's to see. A queued or parked row that has been
    // sent at least once is visible: the department may have it although we never saw its 2xx.
    const row = rows[0];
    if (!row || row.status === 'waiting' || ((row.status === 'queued' || row.status === 'dead') && row.attempts === 0)) {
      throw new SubApplicationNotFoundError();
    }
    return row;
  }

  async get(principal: Principal, id: string, access: ReadAccess) {
    const reason = purposeOf(principal, access.reason);
    const row = await this.load(this.db, principal, id);
    await audit(this.db, principal, 'read-sub-application', row.id, reason, { route: access.route });
    const v = await this.registry.get(row.bundle_id, row.version);
    const item = v.catalogue.items.get(row.item_id);
    const history = await historyOf(this.db, [row.id]);
    const documents = await documentsOf(this.db, { subId: row.id }, departmentUrl);
    return {
      id: row.id,
      applicationId: row.application_id,
      applicationNumber: row.application_number,
      itemId: row.item_id,
      title: item?.title ?? row.item_id,
      department: row.department,
      status: row.status,
      allowedActions: allowedActions(row.status),
      round: row.round,
      fields: row.payload.fields,
      fieldLabels: Object.fromEntries((item?.fields ?? []).map((f) => [f.name, v.catalogue.elements.get(f.element)?.title ?? f.name])),
      materials: row.payload.materials.map(({ sha256, ...m }) => ({ ...m, ...(sha256 ? { url: `/api/sub-applications/${row.id}/materials/${encodeURIComponent(m.code)}` } : {}) })),
      // 告知承诺: the signed commitment that replaces some of this item's materials.
      ...(row.payload.commitment ? { commitment: row.payload.commitment } : {}),
      inputs: row.payload.inputs,
      produces: row.payload.produces,
      outputs: row.outputs ?? {},
      supplement: row.supplement ? describeSupplement(v, row.supplement) : null,
      reason: row.reason,
      timeLimitDays: row.time_limit_days,
      deliveredAt: row.delivered_at,
      completedAt: row.completed_at,
      history: history.get(row.id) ?? [],
      documents: documents.get(row.id) ?? [],
    };
  }

  /** A result document of the sub-application, as a material is read: audit-logged with its reason. */
  async document(principal: Principal, id: string, docId: string, access: ReadAccess): Promise<{ data: Buffer; mime: string; fileName: string }> {
    const reason = purposeOf(principal, access.reason);
    const row = await this.load(this.db, principal, id);
    const doc = await subDocument(this.db, row.id, docId);
    const data = await this.store.get(doc.sha256);
    if (!data) throw new NotFoundError('文书文件不存在', 'The document file is missing');
    await audit(this.db, principal, 'download-result-document', row.id, reason, { document: doc.id, route: access.route });
    return { data, mime: doc.mime, fileName: doc.file_name };
  }

  async material(principal: Principal, id: string, code: string, access: ReadAccess): Promise<{ data: Buffer; mime: string; fileName: string }> {
    const reason = purposeOf(principal, access.reason);
    const row = await this.load(this.db, principal, id);
    const m = row.payload.materials.find((x) => x.code === code);
    if (!m?.sha256) throw new NotFoundError('该事项没有这份材料的文件', 'This sub-application has no file for that material');
    const data = await this.store.get(m.sha256);
    if (!data) throw new NotFoundError('材料文件不存在', 'The material file is missing');
    await audit(this.db, principal, 'download-material', row.id, reason, { code, route: access.route });
    return { data, mime: m.mime ?? 'application/octet-stream', fileName: m.fileName ?? code };
  }

  /** The body's shape (an action and only the keys it takes) was checked at the route (shared/contracts/departments.ts). */
  async act(principal: Principal, id: string, body: ActionBody) {
    const b = body as Partial<Record<'reason' | 'missing' | 'outputs' | 'documents', unknown>>;
    const action = body.action;
    const actor = principal.kind === 'user' ? `staff:${principal.user.id}` : `department:${principal.department}`;
    let released = false;
    // The version is read before the transaction: PGlite is one connection, held by the transaction.
    const before = await this.load(this.db, principal, id);
    const v = await this.registry.get(before.bundle_id, before.version);
    const item = v.catalogue.items.get(before.item_id);
    // 办结文书: checked and stored before the transaction (the store is not the database); bytes of
    // a completion refused below stay unreferenced, which a content-addressed store tolerates.
    const documents = action === 'complete' ? await storeDocuments(this.store, prepareDocuments(b.documents)) : [];
    await this.db.transaction(async (tx) => {
      // Actions on one application take turns: completing an item locks its siblings to release
      // them, and two departments completing at once would otherwise deadlock on each other's rows.
      await tx.query('SELECT 1 FROM applications WHERE id = $1 FOR UPDATE', [before.application_id]);
      const row = await this.load(tx, principal, id, true);
      if (row.status === 'queued' || row.status === 'dead') {
        // The department acting on it is proof it arrived; the worker's late record finds the row moved on.
        await transition(tx, { transition: 'acknowledge', id: row.id, applicationId: row.application_id, actor, note: { acknowledgedBy: 'department' } });
        row.status = 'delivered';
      }
      const check = checkAction(row.status, action as DepartmentAction);
      if (!check.ok) {
        throw new ConflictError(`当前状态「${row.status}」不能执行 ${action}`, `Action ${action} is not allowed in status ${row.status}`, [
          { path: 'action', message: `允许的操作：${check.allowed.join('、') || '无'}`, messageEn: `allowed: ${check.allowed.join(', ') || 'none'}` },
        ]);
      }
      const reason = typeof b.reason === 'string' ? b.reason.trim() : '';
      const change = { id: row.id, applicationId: row.application_id, actor };
      switch (action as DepartmentAction) {
        case 'accept':
          await transition(tx, { ...change, transition: 'accept', note: null });
          break;
        case 'reject': {
          if (!reason) throw new ValidationError([{ path: 'reason', message: '不予受理须说明理由', messageEn: 'a rejection needs a reason' }]);
          await transition(tx, { ...change, transition: 'reject', reason, note: { reason } });
          await this.rejectDependents(tx, row, actor);
          break;
        }
        case 'request-supplement': {
          const request = this.supplementRequest(b.missing, row, item, reason);
          await transition(tx, { ...change, transition: 'request-supplement', supplement: request, note: { reason: request.reason, materials: request.materials, fields: request.fields } });
          break;
        }
        case 'complete': {
          const outputs = this.validateOutputs(b.outputs, row);
          const note = documents.length ? { outputs, documents: documents.map((d) => d.title) } : { outputs };
          await transition(tx, { ...change, transition: 'complete', outputs, note });
          await recordDocuments(tx, change, actor, documents);
          released = await this.release(tx, row.application_id);
          break;
        }
      }
    });
    if (released) signalRelease();
    // 办结出证: the item's licences go to the library and the applicant's archive, after this answer.
    if (action === 'complete') this.options.results?.schedule(id);
    // The answer to an action shows the case again: the action is the reason for that read.
    return this.get(principal, id, { reason: `办理：${body.action}`, route: 'POST /api/sub-applications/:id/actions' });
  }

  private supplementRequest(missing: unknown, row: SubRow, item: { fields: readonly { name: string; element: string }[] } | undefined, reason: string): SupplementRequest {
    const m = missing && typeof missing === 'object' && !Array.isArray(missing) ? (missing as Record<string, unknown>) : {};
    const materials = Array.isArray(m.materials) ? m.materials : [];
    const fields = Array.isArray(m.fields) ? m.fields : [];
    const details: ErrorDetail[] = [];
    if (!materials.length && !fields.length) details.push({ path: 'missing', message: '请一次性列出所有需补正的材料和字段', messageEn: 'list every missing material and field, all at once' });
    const knownMaterials = new Set(row.payload.materials.map((x) => x.code));
    const byName = new Map((item?.fields ?? []).map((f) => [f.name, f.element]));
    materials.forEach((c, i) => {
      if (typeof c !== 'string' || !knownMaterials.has(c)) details.push({ path: `missing.materials[${i}]`, message: '不是本事项的材料', messageEn: 'is not a material of this item' });
    });
    fields.forEach((f, i) => {
      if (typeof f !== 'string' || !byName.has(f)) details.push({ path: `missing.fields[${i}]`, message: '不是本事项的字段', messageEn: 'is not a field of this item' });
    });
    if (details.length) throw new ValidationError(details);
    const now = new Date();
    return {
      reason: reason || null,
      materials: [...new Set(materials as string[])],
      fields: [...new Set(fields as string[])],
      elements: [...new Set((fields as string[]).map((f) => byName.get(f)!))],
      requestedAt: now.toISOString(),
      // Said in the notice, so it is fixed when asked: a later calendar change does not move it.
      dueDate: addWorkingDays(chinaToday(now), this.options.supplementDays ?? DEFAULT_SUPPLEMENT_DAYS, this.options.calendar),
    };
  }

  private validateOutputs(given: unknown, row: SubRow): Record<string, unknown> {
    const outputs = given && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
    const details: ErrorDetail[] = [];
    const declared = new Map(row.payload.produces.map((p) => [p.key, p]));
    for (const key of Object.keys(outputs)) {
      if (!declared.has(key)) details.push({ path: `outputs.${key}`, message: '本事项没有声明此项结果', messageEn: 'is not an output this item declares' });
    }
    for (const p of declared.values()) {
      const value = outputs[p.key];
      if (value === undefined || value === null || value === '') {
        details.push({ path: `outputs.${p.key}`, message: `办结须填写「${p.title}」`, messageEn: `required to complete: ${p.key}` });
        continue;
      }
      const key = JSON.stringify(p.schema);
      let validate = outputValidators.get(key);
      if (!validate) {
        validate = ajv.compile(p.schema as object);
        outputValidators.set(key, validate);
      }
      if (!validate(value)) {
        const err = validate.errors?.[0];
        const format = err?.keyword === 'format' ? String((err.params as { format: string }).format) : undefined;
        details.push({
          path: `outputs.${p.key}`,
          message: format ? formatMessage(format, String(value), 'zh') : `「${p.title}」格式不正确`,
          messageEn: format ? formatMessage(format, String(value), 'en') : (err?.message ?? 'invalid'),
        });
      }
    }
    if (details.length) throw new ValidationError(details, '办结结果不完整或有误', 'The outputs are incomplete or invalid');
    return outputs;
  }

  /**
   * Releases every waiting item whose predecessors have all completed, with the values it was
   * waiting for (the pending fields, under its own field names, and materials produced inside
   * the bundle) merged into its payload.
   */
  private async release(tx: Queryable, applicationId: string): Promise<boolean> {
    const { rows } = await tx.query<{ id: string; item_id: string; status: SubStatus; after_items: string[]; outputs: Record<string, unknown> | null; payload: SubPayload }>(
      'SELECT id, item_id, status, after_items, outputs, payload FROM sub_applications WHERE application_id = $1 ORDER BY position FOR UPDATE',
      [applicationId],
    );
    const completed = new Map(rows.filter((r) => r.status === 'completed').map((r) => [r.item_id, r.outputs ?? {}]));
    let released = false;
    for (const r of rows) {
      if (r.status !== 'waiting' || !r.after_items.every((a) => completed.has(a))) continue;
      const payload: SubPayload = { ...r.payload, fields: { ...r.payload.fields }, inputs: { ...r.payload.inputs } };
      for (const p of payload.pending) {
        const value = completed.get(p.from)?.[p.element];
        if (value !== undefined) {
          payload.fields[p.field] = value;
          payload.inputs[p.element] = value;
        }
      }
      payload.materials = payload.materials.map((m) => {
        const value = m.producedBy ? completed.get(m.producedBy)?.[m.code] : undefined;
        if (value !== undefined) payload.inputs[m.code] = value;
        return value !== undefined ? { ...m, value } : m;
      });
      await transition(tx, { transition: 'release', id: r.id, applicationId, actor: 'dispatch', payload, note: { released: true } });
      released = true;
    }
    return released;
  }

  /** An item that can never start because an earlier one was refused is closed with that reason. */
  private async rejectDependents(tx: Queryable, row: SubRow, actor: string): Promise<void> {
    const { rows } = await tx.query<{ id: string; item_id: string; after_items: string[]; status: SubStatus }>(
      'SELECT id, item_id, after_items, status FROM sub_applications WHERE application_id = $1 FOR UPDATE',
      [row.application_id],
    );
    const blocked = new Set([row.item_id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const r of rows) {
        if (r.status === 'waiting' && !blocked.has(r.item_id) && r.after_items.some((a) => blocked.has(a))) {
          blocked.add(r.item_id);
          grew = true;
          const reason = '前序事项不予受理，本事项无法办理';
          await transition(tx, { transition: 'cancel', id: r.id, applicationId: row.application_id, actor, reason, note: { reason, cause: row.item_id } });
        }
      }
    }
  }
}
