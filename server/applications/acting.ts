import type { User } from '../auth/types.js';

/**
 * Who may act on an application, in one place: its applicant, and the clerk who filed it for
 * them at the counter (综合窗口). Anyone else, another clerk included, finds it as if it did not
 * exist. (A clerk reads an application the applicant presents by its 办件编号 and 公民身份号码
 * through the counter's own lookup, server/counter/.)
 *
 * As SQL on `applications` (aliased or not), with the actor's id as parameter `$n`.
 */
export function mayActOn(actor: User, param: number, table = 'applications'): string {
  return actor.role === 'clerk' ? `${table}.counter_clerk_id = $${param}` : `${table}.applicant_id = $${param}`;
}

/** How the actor is named in histories and connector calls (server/actors.ts puts it in words). */
export function actorTag(actor: User): string {
  return actor.role === 'clerk' ? `clerk:${actor.id}` : `citizen:${actor.id}`;
}
