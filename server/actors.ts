import type { Queryable } from './db/types.js';

/** Who did something, as a person reads it: a name or a role, never `citizen:citizen-zhang` or `dispatch`. */
export interface ActorName {
  zh: string;
  en: string;
}

interface DepartmentNames {
  get(code: string): { name: string; nameEn: string } | undefined;
}

// History and audit rows name their actor as `<kind>:<id>`, a department system as
// `department:<code>`, and the platform's own moves by the part that made them.
const SYSTEM: Record<string, ActorName> = {
  dispatch: { zh: '系统自动推送', en: 'The platform (dispatch)' },
  system: { zh: '系统', en: 'The platform' },
};

/** Each actor in words; users are looked up once, by id. The applicant is "申请人", not their name: staff see it in the case. */
export async function actorNames(db: Queryable, actors: readonly string[], departments: DepartmentNames): Promise<Record<string, ActorName>> {
  const userIds = [...new Set(actors.map((a) => /^(?:staff|admin|designer|reviewer|clerk):(.+)$/.exec(a)?.[1] ?? (a.includes(':') || SYSTEM[a] ? null : a)).filter((x): x is string => x !== null))];
  const users = new Map<string, string>();
  if (userIds.length) {
    const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM users WHERE id = ANY($1)', [userIds]);
    for (const r of rows) users.set(r.id, r.name);
  }
  const out: Record<string, ActorName> = {};
  for (const actor of new Set(actors)) {
    const [kind, id] = actor.includes(':') ? [actor.slice(0, actor.indexOf(':')), actor.slice(actor.indexOf(':') + 1)] : [null, actor];
    if (kind === 'citizen') out[actor] = { zh: '申请人', en: 'The applicant' };
    else if (kind === 'department') {
      const d = departments.get(id);
      out[actor] = d ? { zh: `${d.name}业务系统`, en: `${d.nameEn} system` } : { zh: '部门业务系统', en: 'A department system' };
    } else if (kind === 'admin') out[actor] = { zh: `运维人员 ${users.get(id) ?? ''}`.trim(), en: `Operator ${users.get(id) ?? ''}`.trim() };
    else if (kind === null && SYSTEM[id]) out[actor] = SYSTEM[id];
    else {
      const name = users.get(id);
      out[actor] = name ? { zh: name, en: name } : { zh: '已停用的用户', en: 'A former user' };
    }
  }
  return out;
}
