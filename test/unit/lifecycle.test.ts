import { describe, expect, it } from 'vitest';
import {
  allowedActions, canTransition, changesApplicationStatus, checkAction, deriveApplicationStatus, DEPARTMENT_ACTIONS, SUB_STATUSES, SYSTEM_TRANSITIONS, TRANSITIONS,
  type SubStatus, type Transition,
} from '../../shared/lifecycle.js';

const ALL: Transition[] = [...DEPARTMENT_ACTIONS, ...SYSTEM_TRANSITIONS];

/** Every multiset of up to `n` statuses (the application's other items). */
function others(n: number): SubStatus[][] {
  let out: SubStatus[][] = [[]];
  let layer: SubStatus[][] = [[]];
  for (let i = 0; i < n; i++) {
    layer = layer.flatMap((l) => SUB_STATUSES.filter((s) => !l.length || SUB_STATUSES.indexOf(s) >= SUB_STATUSES.indexOf(l.at(-1)!)).map((s) => [...l, s]));
    out = out.concat(layer);
  }
  return out;
}

describe('lifecycle', () => {
  it('a transition the table says cannot change the derived status never does', () => {
    const rest = others(3);
    for (const t of ALL) {
      const { from, to } = TRANSITIONS[t];
      const changes = rest.some((o) => from.some((f) => deriveApplicationStatus([...o, f]) !== deriveApplicationStatus([...o, to])));
      expect(changesApplicationStatus(t), t).toBe(changes);
    }
  });

  it('the system moves a sub-application only along its lifecycle', () => {
    expect(canTransition('waiting', 'release')).toBe(true);
    expect(canTransition('queued', 'release')).toBe(false);
    expect(canTransition('dead', 'retry')).toBe(true);
    expect(canTransition('queued', 'retry')).toBe(false);
    expect(canTransition('dead', 'acknowledge')).toBe(true);
    expect(canTransition('supplement', 'resubmit')).toBe(true);
    expect(canTransition('delivered', 'cancel')).toBe(false);
    expect(changesApplicationStatus('deliver')).toBe(false);
    expect(changesApplicationStatus('park')).toBe(false);
  });

  it('department actions are the transitions of the same names', () => {
    for (const s of SUB_STATUSES) {
      for (const a of DEPARTMENT_ACTIONS) {
        const check = checkAction(s, a);
        expect(check.ok).toBe(canTransition(s, a));
        if (check.ok) expect(check.to).toBe(TRANSITIONS[a].to);
        else expect(check.allowed).toEqual(allowedActions(s));
      }
    }
    expect(allowedActions('delivered')).toEqual(['accept', 'reject', 'request-supplement']);
    expect(allowedActions('accepted')).toEqual(['reject', 'request-supplement', 'complete']);
  });
});
