// Realistic generated applications, straight into PostgreSQL: `npm run seed:load`, and the test
// data of the statistics suites. Rows are made by INSERT … SELECT generate_series in SQL, a chunk
// at a time inside ONE transaction (a failed or interrupted load leaves nothing behind); the
// statistics triggers fold each chunk into the rollups as one aggregate per statement.
//
// What is realistic here: every application is one of a few dozen variants per bundle, made by
// the engine itself (evaluate/account/split on the bundle's examples with the bundle's yes/no
// questions flipped, with and without an archive, with a licence the exchange cannot find), so
// savings snapshots, items, departments, DAG order and payloads are the product's own. Filing
// times follow office life (weekdays, daytime, growing over the period); departments work
// 09:00–17:00 on weekdays at their own pace; most finish within their limits, some do not; a few
// applications are refused by a department (and the items after it closed), some wait for a
// supplement, about a third are rated.
//
// Not generated: histories (sub_application_events), delivery attempts, uploaded files,
// outputs, signatures of 告知承诺 and issued licences; the rows' timestamps carry the lifecycle.
// A filed application has signed its commitments (submit refuses it otherwise), so a variant's
// savings count its commitments as signed, as filing would. Seed users (`seed-…`) have no real-name
// identity: no ID numbers that could be somebody's.
import type { Database, Queryable } from '../db/types.js';
import type { BundleRegistry, BundleVersion } from '../bundles/registry.js';
import { evaluate } from '../../shared/evaluate.js';
import { account } from '../../shared/account.js';
import { chinaToday } from '../../shared/beijing-time.js';
import { split } from '../../shared/split.js';
import type { Answers, Profile } from '../../shared/model.js';
import { DEFAULT_REGION_CODE, numberSql } from '../applications/number.js';

export interface SeedOptions {
  applications: number;
  /** Filing dates (China time), inclusive; default: the 365 days up to today. */
  from?: string;
  to?: string;
  /** Applications per INSERT statement. */
  chunk?: number;
  now?: Date;
  log?: (line: string) => void;
  /** Log each statement's time. */
  verbose?: boolean;
}

export interface SeedResult {
  applications: number;
  subApplications: number;
  ratings: number;
  users: number;
  ms: number;
}

export class SeedRefusedError extends Error {
  override name = 'SeedRefusedError';
}

/** Share of each bundle among applications; bundles not listed get the rest evenly. */
const BUNDLE_MIX: Readonly<Record<string, number>> = { newborn: 0.34, unemployment: 0.28, 'business-startup': 0.24, 'simple-deregistration': 0.14 };
const OFFICE_DAY_S = 8 * 3600;
const OFFICE_WEEK_S = 5 * OFFICE_DAY_S;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '华', '婷'];
const COMMENTS = ['一次都没跑，办理很快', '材料少了很多，点赞', '流程清楚，进度随时能查', '等待时间有点长', '希望办理进度通知更及时', '窗口指导很耐心'];

interface VariantItem {
  position: number;
  item_id: string;
  department: string;
  channel: string;
  after_items: string[];
  limit_days: number;
  /** Longest chain of (limit × pace) before this item, in working days at pace 1. */
  start_factor: number;
  pace: number;
  ancestors: number[];
  root: boolean;
  payload: unknown;
}

interface Variant {
  vid: number;
  bundle_id: string;
  version: string;
  weight: number;
  savings: unknown;
  answers: Answers;
  n_items: number;
  items: VariantItem[];
}

/** A department's own pace (1 = uses its whole limit at the median applicant's pace). */
function departmentPace(code: string): number {
  let h = 2166136261;
  for (const ch of code) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return 0.7 + (h % 91) / 100;
}

function variantsOf(v: BundleVersion, firstVid: number, bundleWeight: number): Variant[] {
  const { bundle, catalogue } = v;
  const examples = Object.values(bundle.examples);
  const bases: { answers: Answers; profile?: Profile }[] = examples.length ? examples.map((e) => ({ answers: e.answers, ...(e.profile ? { profile: e.profile } : {}) })) : [{ answers: {} }];
  const toggles = bundle.questions
    .map((q) => q.ref)
    .filter((id) => (catalogue.elements.get(id)?.schema as { type?: unknown } | undefined)?.type === 'boolean')
    .slice(0, 4);
  // A returning applicant has every material with a validity period in the archive; sometimes the
  // exchange cannot find a licence and it is uploaded instead.
  const archived = [...catalogue.materials.values()].filter((m) => m.validityMonths !== null).map((m) => ({ code: m.code, issuedOn: '2026-01-01' }));
  const licences = [...catalogue.materials.values()].filter((m) => m.electronicLicence).map((m) => m.code);
  const profiles: { weight: number; make: (p?: Profile) => Profile | undefined }[] = [
    { weight: 0.8, make: (p) => p },
    { weight: 0.15, make: (p) => ({ ...p, archive: [...(p?.archive ?? []), ...archived] }) },
    ...(licences.length ? [{ weight: 0.05, make: (p?: Profile) => ({ ...p, sharing: { ...p?.sharing, unavailable: licences.slice(0, 1) } }) }] : []),
  ];
  const out: Variant[] = [];
  for (const base of bases) {
    for (let mask = 0; mask < 1 << toggles.length; mask++) {
      const answers: Record<string, unknown> = { ...base.answers };
      let weight = bundleWeight / bases.length;
      toggles.forEach((id, i) => {
        const flip = (mask >> i) & 1;
        if (flip) answers[id] = !(answers[id] === true);
        weight *= flip ? 0.25 : 0.75;
      });
      for (const p of profiles) {
        const profile = p.make(base.profile);
        // A fixed day for the archive's validity, so the variants do not depend on when the load runs.
        const evaluation = evaluate(bundle, catalogue, answers, profile, { today: '2026-06-01' });
        if (!evaluation.included.length) continue;
        const savings = account(bundle, catalogue, evaluation);
        const subs = split(bundle, catalogue, evaluation.values, evaluation);
        const position = new Map(subs.map((s, i) => [s.itemId, i]));
        const start = new Map<string, number>();
        const ancestors = new Map<string, Set<number>>();
        const items: VariantItem[] = subs.map((s, i) => {
          const pace = departmentPace(s.department);
          let factor = 0;
          const anc = new Set<number>();
          for (const a of s.after) {
            const pos = position.get(a);
            if (pos === undefined) continue;
            const pred = subs[pos]!;
            factor = Math.max(factor, (start.get(a) ?? 0) + pred.timeLimitDays * departmentPace(pred.department));
            anc.add(pos);
            for (const x of ancestors.get(a) ?? []) anc.add(x);
          }
          start.set(s.itemId, factor);
          ancestors.set(s.itemId, anc);
          return {
            position: i,
            item_id: s.itemId,
            department: s.department,
            channel: catalogue.departments.get(s.department)?.delivery.channel ?? 'inbox',
            after_items: [...s.after],
            limit_days: s.timeLimitDays,
            start_factor: factor,
            pace,
            ancestors: [...anc].sort((a, b) => a - b),
            root: s.after.length === 0,
            payload: {
              bundle: { id: v.bundleId, version: v.version },
              item: { id: s.itemId, title: s.title },
              department: s.department,
              fields: s.fields,
              pending: s.pending,
              materials: s.materials.map((m) => ({ code: m.code, title: m.title, disposition: m.disposition, reason: m.reason, ...(m.producedBy ? { producedBy: m.producedBy } : {}) })),
              inputs: {},
              produces: [],
              timeLimitDays: s.timeLimitDays,
            },
          };
        });
        out.push({ vid: firstVid + out.length, bundle_id: v.bundleId, version: v.version, weight: weight * p.weight, savings, answers, n_items: items.length, items });
      }
    }
  }
  return out;
}

export async function seedVariants(registry: BundleRegistry): Promise<Variant[]> {
  const versions = await registry.list();
  if (!versions.length) throw new SeedRefusedError('no published bundles: start the server once (it publishes the scenario files) or check the scenarios folder');
  const listed = versions.filter((v) => BUNDLE_MIX[v.bundleId] !== undefined);
  const rest = versions.length - listed.length;
  const listedShare = listed.reduce((s, v) => s + BUNDLE_MIX[v.bundleId]!, 0);
  const restShare = rest ? Math.max(0.05 * rest, 1 - listedShare) / rest : 0;
  const variants: Variant[] = [];
  for (const v of versions) variants.push(...variantsOf(v, variants.length + 1, BUNDLE_MIX[v.bundleId] ?? restShare));
  return variants;
}

/** Working time in office seconds (09:00–17:00 China time, Monday to Friday) since 1900-01-01. */
function officeSeconds(t: string): string {
  const local = `((${t}) AT TIME ZONE 'UTC' + interval '8 hours')`;
  const k = `(${local}::date - date '1900-01-01')`;
  const s = `extract(epoch FROM (${local} - ${local}::date::timestamp))::float8`;
  return `((${k} / 7) * ${OFFICE_WEEK_S}::float8 + CASE WHEN ${k} % 7 < 5 THEN (${k} % 7) * ${OFFICE_DAY_S} + least(greatest(${s} - 32400, 0), ${OFFICE_DAY_S}) ELSE ${OFFICE_WEEK_S} END)`;
}

/** The instant of an office-seconds value (the inverse of officeSeconds on working time). */
function officeInstant(f: string): string {
  const week = `floor(${f} / ${OFFICE_WEEK_S})`;
  const inWeek = `(${f} - ${OFFICE_WEEK_S} * ${week})`;
  const day = `floor(${inWeek} / ${OFFICE_DAY_S})`;
  return `(((date '1900-01-01' + (7 * ${week} + ${day})::int)::timestamp + interval '9 hours' + make_interval(secs => ${inWeek} - ${OFFICE_DAY_S} * ${day}) - interval '8 hours') AT TIME ZONE 'UTC')`;
}

const SETUP = `
  CREATE OR REPLACE FUNCTION pg_temp.seed_uuid(t timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $f$
    SELECT overlay(replace(gen_random_uuid()::text, '-', '') placing lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') from 1 for 12)::uuid
  $f$;
  CREATE TEMP TABLE seed_variant (vid int PRIMARY KEY, bundle_id text, version text, lo float8, hi float8, savings jsonb, answers jsonb, n_items int) ON COMMIT DROP;
  CREATE INDEX ON seed_variant (lo);
  CREATE TEMP TABLE seed_item (vid int, position int, item_id text, department text, channel text, after_items text[], limit_days float8,
    start_factor float8, pace float8, ancestors int[], root boolean, payload jsonb, PRIMARY KEY (vid, position)) ON COMMIT DROP;
  CREATE TEMP TABLE seed_app (n int PRIMARY KEY, id uuid, applicant_id text, vid int, submitted_at timestamptz, office0 float8, pace float8,
    reject_pos int, rate_u float8, rate_v float8, rate_w float8) ON COMMIT DROP;
  CREATE TEMP TABLE seed_sub (n int, position int, id uuid, delivered_at timestamptz, accepted_at timestamptz, completed_at timestamptz, u float8,
    PRIMARY KEY (n, position)) ON COMMIT DROP;
  CREATE TEMP TABLE seed_state (n int, position int, id uuid, status text, reason text, delivered_at timestamptz, accepted_at timestamptz,
    completed_at timestamptz, updated_at timestamptz, closed_at timestamptz) ON COMMIT DROP;`;

/**
 * $1 the chunk's days as [{day, k, start}] (k applications numbered from start), $2 now, $3 seed
 * users. Ids are random UUIDs whose first 48 bits are replaced by the filing time in milliseconds
 * (as UUIDv7 lays them out), and chunks go forward in time, so the load appends to the indexes.
 */
const APPS = `
  INSERT INTO seed_app (n, id, applicant_id, vid, submitted_at, office0, pace, reject_pos, rate_u, rate_v, rate_w)
  -- Materialised: each draw is made once per application, whatever plan joins it.
  WITH s AS MATERIALIZED (
    SELECT c.start + g - 1 AS n, c.day, random() AS u_var, random() AS u_user, random() AS u_h1, random() AS u_h2, random() AS u_night,
           random() AS u_p1, random() AS u_p2, random() AS u_rej, random() AS u_rpos, random() AS u_r1, random() AS u_r2, random() AS u_r3
      FROM jsonb_to_recordset($1::jsonb) AS c(day date, k int, start int)
      CROSS JOIN LATERAL generate_series(1, c.k) AS g)
  SELECT q.n, pg_temp.seed_uuid(q.submitted_at), q.applicant_id, q.vid, q.submitted_at, ${officeSeconds('q.submitted_at')}, q.pace, q.reject_pos, q.rate_u, q.rate_v, q.rate_w
    FROM (
      SELECT s.n, 'seed-' || lpad((1 + floor(s.u_user * $3::int))::int::text, 8, '0') AS applicant_id, v.vid,
             -- Online all day, mostly in office hours.
             least($2::timestamptz - interval '10 minutes',
                   ((s.day::timestamp + make_interval(secs => 3600 * CASE WHEN s.u_night < 0.1 THEN 24 * s.u_h1 ELSE 8 + 12 * (s.u_h1 + s.u_h2) / 2 END)
                      - interval '8 hours') AT TIME ZONE 'UTC')) AS submitted_at,
             -- Log-normal pace: most applicants' items take a third of their limit, a few more than all of it.
             least(4, greatest(0.05, 0.3 * exp(0.8 * sqrt(-2 * ln(1 - s.u_p1)) * cos(2 * pi() * s.u_p2)))) AS pace,
             CASE WHEN s.u_rej < 0.015 THEN floor(s.u_rpos * v.n_items)::int END AS reject_pos,
             s.u_r1 AS rate_u, s.u_r2 AS rate_v, s.u_r3 AS rate_w
        FROM s
        CROSS JOIN LATERAL (SELECT vid, n_items FROM seed_variant WHERE lo <= s.u_var ORDER BY lo DESC LIMIT 1) AS v
    ) AS q`;

/** Timings from the app's pace and each department's pace, in working time. $1 now. */
const SUBS = `
  INSERT INTO seed_sub (n, position, id, delivered_at, accepted_at, completed_at, u)
  SELECT t.n, t.position, pg_temp.seed_uuid(t.submitted_at + t.position * interval '1 millisecond'), t.delivered_at, ${officeInstant('t.f_acc')},
         greatest(${officeInstant('t.f_done')}, t.delivered_at + interval '1 minute'), t.u
    FROM (
      SELECT r.n, r.position, r.u, r.submitted_at,
             CASE WHEN r.root THEN least($1::timestamptz, r.submitted_at + make_interval(secs => 5 + 55 * r.u2))
                  ELSE ${officeInstant('r.f_start')} + interval '5 minutes' END AS delivered_at,
             r.f_start + 0.1 * r.dur * ${OFFICE_DAY_S} AS f_acc,
             r.f_start + r.dur * ${OFFICE_DAY_S} AS f_done
        FROM (
          SELECT a.n, i.position, i.root, a.submitted_at, random() AS u, random() AS u2,
                 a.office0 + a.pace * i.start_factor * ${OFFICE_DAY_S} AS f_start,
                 greatest(i.limit_days, 0.05) * a.pace * i.pace * (0.5 + 0.5 * random()) AS dur
            FROM seed_app a JOIN seed_item i ON i.vid = a.vid
        ) AS r
    ) AS t`;

/**
 * Where each item stands at $1 (now): a refused item closes the items after it; items after an
 * unfinished one wait; a small share of running ones wait for a supplement.
 */
const STATES = `
  INSERT INTO seed_state (n, position, id, status, reason, delivered_at, accepted_at, completed_at, updated_at, closed_at)
  SELECT x.n, x.position, x.id, x.status,
         CASE x.status WHEN 'rejected' THEN CASE WHEN x.cascade THEN '前序事项不予受理，本事项无法办理' ELSE '申请材料与登记信息不一致，不予受理' END END,
         CASE WHEN x.status = 'waiting' OR x.cascade THEN NULL ELSE x.delivered_at END,
         CASE WHEN x.status IN ('accepted', 'completed', 'supplement') OR (x.status = 'rejected' AND NOT x.cascade) THEN x.accepted_at END,
         CASE WHEN x.status = 'completed' THEN x.completed_at END,
         CASE x.status WHEN 'completed' THEN x.completed_at WHEN 'rejected' THEN x.rej_at WHEN 'accepted' THEN x.accepted_at
                       WHEN 'supplement' THEN x.accepted_at WHEN 'delivered' THEN x.delivered_at ELSE x.submitted_at END,
         CASE x.status WHEN 'completed' THEN x.completed_at WHEN 'rejected' THEN x.rej_at END
    FROM (
      SELECT s.n, s.position, s.id, s.delivered_at, s.accepted_at, s.completed_at, a.submitted_at, rj.rej_at,
             rj.rej_at IS NOT NULL AND rj.rej_at <= $1::timestamptz AND a.reject_pos = ANY (i.ancestors) AS cascade,
             CASE
               WHEN rj.rej_at IS NOT NULL AND rj.rej_at <= $1::timestamptz AND (s.position = a.reject_pos OR a.reject_pos = ANY (i.ancestors)) THEN 'rejected'
               WHEN a.reject_pos = ANY (i.ancestors) THEN 'waiting'
               WHEN s.delivered_at > $1::timestamptz THEN 'waiting'
               WHEN s.completed_at <= $1::timestamptz AND s.position IS DISTINCT FROM a.reject_pos THEN 'completed'
               WHEN s.u < 0.08 THEN 'supplement'
               WHEN s.accepted_at <= $1::timestamptz THEN 'accepted'
               ELSE 'delivered'
             END AS status
        FROM seed_sub s
        JOIN seed_app a ON a.n = s.n
        JOIN seed_item i ON i.vid = a.vid AND i.position = s.position
        LEFT JOIN (SELECT s2.n, s2.accepted_at + (s2.completed_at - s2.accepted_at) * 0.3 AS rej_at
                     FROM seed_sub s2 JOIN seed_app a2 ON a2.n = s2.n AND a2.reject_pos = s2.position) AS rj ON rj.n = s.n
    ) AS x`;

/** Status derived from the items as shared/lifecycle.ts deriveApplicationStatus does. */
const APPLICATIONS = `
  INSERT INTO applications (id, applicant_id, bundle_id, version, number, status, answers, savings, created_at, updated_at, submitted_at, completed_at)
  SELECT a.id, a.applicant_id, v.bundle_id, v.version, ${numberSql(`'${DEFAULT_REGION_CODE}'`, 'a.submitted_at')},
         CASE
           WHEN st.supplement THEN 'supplement'
           WHEN st.terminal = st.items AND st.completed = st.items THEN 'completed'
           WHEN st.terminal = st.items AND st.completed > 0 THEN 'partially_completed'
           WHEN st.terminal = st.items THEN 'rejected'
           WHEN st.progressed THEN 'in_progress'
           ELSE 'submitted'
         END,
         v.answers, v.savings, a.submitted_at - interval '1 minute' * (5 + 40 * a.rate_w), st.updated_at, a.submitted_at,
         CASE WHEN st.terminal = st.items THEN st.closed_at END
    FROM seed_app a
    JOIN seed_variant v ON v.vid = a.vid
    JOIN (SELECT n, count(*) AS items, count(*) FILTER (WHERE status IN ('completed', 'rejected')) AS terminal,
                 count(*) FILTER (WHERE status = 'completed') AS completed, bool_or(status = 'supplement') AS supplement,
                 bool_or(status IN ('accepted', 'completed', 'rejected')) AS progressed, max(updated_at) AS updated_at, max(closed_at) AS closed_at
            FROM seed_state GROUP BY n) AS st ON st.n = a.n`;

const SUB_APPLICATIONS = `
  INSERT INTO sub_applications (id, application_id, item_id, department, position, status, channel, after_items, payload, supplement, reason,
    round, attempts, first_attempt_at, time_limit_days, created_at, updated_at, delivered_at, accepted_at, completed_at, applicant_id)
  SELECT st.id, a.id, i.item_id, i.department, i.position, st.status, i.channel, i.after_items,
         i.payload || jsonb_build_object('applicationId', a.id, 'submittedAt', a.submitted_at),
         CASE WHEN st.status = 'supplement' THEN jsonb_build_object('reason', '材料照片不清晰，请重新上传', 'materials', '[]'::jsonb, 'fields', '[]'::jsonb,
                                                                    'elements', '[]'::jsonb, 'requestedAt', st.accepted_at) END,
         st.reason, 1, CASE WHEN st.delivered_at IS NULL THEN 0 ELSE 1 END, st.delivered_at - interval '1 second', i.limit_days,
         a.submitted_at, st.updated_at, st.delivered_at, st.accepted_at, st.completed_at, a.applicant_id
    FROM seed_state st
    JOIN seed_app a ON a.n = st.n
    JOIN seed_item i ON i.vid = a.vid AND i.position = st.position`;

/** About a third rate a finished application; refused ones rate lower. $1 now. */
const RATINGS = `
  INSERT INTO ratings (application_id, applicant_id, bundle_id, score, comment, created_at)
  SELECT p.id, p.applicant_id, p.bundle_id,
         CASE WHEN p.status = 'rejected'
              THEN CASE WHEN a.rate_v < 0.3 THEN 1 WHEN a.rate_v < 0.5 THEN 2 WHEN a.rate_v < 0.8 THEN 3 WHEN a.rate_v < 0.9 THEN 4 ELSE 5 END
              ELSE CASE WHEN a.rate_v < 0.015 THEN 1 WHEN a.rate_v < 0.03 THEN 2 WHEN a.rate_v < 0.07 THEN 3 WHEN a.rate_v < 0.18 THEN 4 ELSE 5 END
         END,
         CASE WHEN a.rate_w < 0.3 THEN (ARRAY[${COMMENTS.map((c) => `'${c}'`).join(', ')}])[1 + floor(a.rate_w / 0.3 * ${COMMENTS.length})::int] END,
         least($1::timestamptz, p.completed_at + make_interval(secs => 3 * 86400 * a.rate_w))
    FROM seed_app a
    JOIN applications p ON p.id = a.id
   WHERE p.status IN ('completed', 'partially_completed', 'rejected') AND a.rate_u < 0.35`;

/**
 * How many applications are filed on each day: weekdays weigh 1 and weekend days 0.25, and the
 * volume grows over the period (adoption); largest remainders make the total exact.
 */
export function dayPlan(from: string, to: string, n: number): { day: string; k: number }[] {
  const first = Date.parse(`${from}T00:00:00Z`);
  const count = Math.round((Date.parse(`${to}T00:00:00Z`) - first) / 86_400_000) + 1;
  const days = Array.from({ length: count }, (_, i) => {
    const d = new Date(first + i * 86_400_000);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    return { day: d.toISOString().slice(0, 10), w: (weekend ? 0.25 : 1) * (0.5 + (count > 1 ? i / (count - 1) : 1)) };
  });
  const total = days.reduce((s, d) => s + d.w, 0);
  const exact = days.map((d) => (n * d.w) / total);
  const plan = days.map((d, i) => ({ day: d.day, k: Math.floor(exact[i]!) }));
  let left = n - plan.reduce((s, d) => s + d.k, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    plan[i]!.k += 1;
  }
  return plan.filter((d) => d.k > 0);
}


/**
 * Loads `applications` generated applications. Refuses when a seed load is already there (its
 * users exist): loading twice would double every figure. Folds the statistics afterwards.
 */
export async function seedLoad(db: Database, registry: BundleRegistry, o: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const n = Math.floor(o.applications);
  if (!(n >= 1)) throw new SeedRefusedError('--applications must be at least 1');
  const now = o.now ?? new Date();
  const to = o.to ?? chinaToday(now);
  const from = o.from ?? chinaToday(new Date(Date.parse(`${to}T00:00:00Z`) - 364 * 86_400_000));
  if (from > to) throw new SeedRefusedError(`from (${from}) is after to (${to})`);
  const chunk = Math.max(1, o.chunk ?? 100_000);
  const users = Math.max(1, Math.ceil(n * 0.85));

  const variants = await seedVariants(registry);
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let lo = 0;
  const rows = variants.map((v, i) => {
    const hi = i === variants.length - 1 ? 1.000001 : lo + v.weight / total;
    const row = { vid: v.vid, bundle_id: v.bundle_id, version: v.version, lo, hi, savings: v.savings, answers: v.answers, n_items: v.n_items };
    lo = hi;
    return row;
  });
  const items = variants.flatMap((v) => v.items.map((it) => ({ vid: v.vid, ...it })));
  log(`${variants.length} variants of ${new Set(variants.map((v) => v.bundle_id)).size} bundles; filing dates ${from} … ${to}`);

  const result = await db.transaction(async (tx: Queryable) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('yijianshi.seed:' || current_schema()))`);
    const existing = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE id LIKE 'seed-%'`);
    if ((existing.rows[0]?.n ?? 0) > 0) {
      throw new SeedRefusedError(`this database already holds a seed load (${existing.rows[0]!.n} seed users); loading again would double every figure. Use a fresh database.`);
    }
    if (db.kind === 'postgres') {
      // Room for a chunk's transition tables and temp tables in memory. temp_buffers cannot change
      // once the session has touched a temp table, so that one is best effort.
      // JIT compiles these one-off statements for longer than they run.
      await tx.exec(`SET LOCAL work_mem = '1GB'; SET LOCAL jit = off`);
      await tx.exec('SAVEPOINT seed_temp_buffers');
      try {
        await tx.exec(`SET LOCAL temp_buffers = '256MB'`);
        await tx.exec('RELEASE SAVEPOINT seed_temp_buffers');
      } catch {
        await tx.exec('ROLLBACK TO SAVEPOINT seed_temp_buffers');
      }
    }
    await tx.exec(SETUP);
    await tx.query(
      `INSERT INTO seed_variant SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(vid int, bundle_id text, version text, lo float8, hi float8, savings jsonb, answers jsonb, n_items int)`,
      [JSON.stringify(rows)],
    );
    await tx.query(
      `INSERT INTO seed_item SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(vid int, position int, item_id text, department text, channel text, after_items text[],
         limit_days float8, start_factor float8, pace float8, ancestors int[], root boolean, payload jsonb)`,
      [JSON.stringify(items)],
    );
    let t = Date.now();
    await tx.query(
      `INSERT INTO users (id, name, role, created_at)
       SELECT 'seed-' || lpad(g::text, 8, '0'),
              (ARRAY[${SURNAMES.map((s) => `'${s}'`).join(', ')}])[1 + g % ${SURNAMES.length}] || (ARRAY[${GIVEN.map((s) => `'${s}'`).join(', ')}])[1 + (g / ${SURNAMES.length}) % ${GIVEN.length}],
              'citizen', $2::timestamptz
         FROM generate_series(1, $1::int) AS g`,
      [users, `${from}T00:00:00+08:00`],
    );
    log(`${users.toLocaleString('en-US')} seed users in ${Date.now() - t} ms`);
    let subs = 0;
    let ratings = 0;
    // Chunks of whole days, in date order.
    const chunks: { day: string; k: number; start: number }[][] = [];
    let next = 1;
    let current: { day: string; k: number; start: number }[] = [];
    let size = 0;
    for (const d of dayPlan(from, to, n)) {
      current.push({ ...d, start: next });
      next += d.k;
      size += d.k;
      if (size >= chunk) {
        chunks.push(current);
        current = [];
        size = 0;
      }
    }
    if (current.length) chunks.push(current);
    for (const days of chunks) {
      t = Date.now();
      const steps: string[] = [];
      const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
        const s0 = Date.now();
        const r = await run();
        steps.push(`${name} ${Date.now() - s0}`);
        return r;
      };
      await step('truncate', () => tx.exec('TRUNCATE seed_app, seed_sub, seed_state'));
      await step('apps', () => tx.query(APPS, [JSON.stringify(days), now, users]));
      await step('timings', () => tx.query(SUBS, [now]));
      await step('states', () => tx.query(STATES, [now]));
      await step('applications', () => tx.query(APPLICATIONS));
      subs += (await step('sub_applications', () => tx.query(SUB_APPLICATIONS))).rowCount;
      ratings += (await step('ratings', () => tx.query(RATINGS, [now]))).rowCount;
      const last = days.at(-1)!;
      log(`filed ${days[0]!.day} … ${last.day}, applications up to ${(last.start + last.k - 1).toLocaleString('en-US')}: ${Date.now() - t} ms (${subs.toLocaleString('en-US')} sub-applications, ${ratings.toLocaleString('en-US')} ratings so far)`);
      if (o.verbose) log(`  ${steps.join(' ms, ')} ms`);
    }
    return { subs, ratings };
  });
  return { applications: n, subApplications: result.subs, ratings: result.ratings, users, ms: Date.now() - started };
}
