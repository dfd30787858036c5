// The `after:` graph of a bundle: order, cycles, ancestry and the critical path.
// Nodes are item ids; `preds.get(x)` are the items x waits for.

export type Preds = ReadonlyMap<string, readonly string[]>;

/**
 * Kahn's algorithm, ties broken by the order nodes were given in, so the result is stable
 * (the bundle file's order) and a designer recognises it.
 */
export function topologicalOrder(nodes: readonly string[], preds: Preds): { order: string[]; cyclic: string[] } {
  const known = new Set(nodes);
  const indegree = new Map<string, number>();
  const succs = new Map<string, string[]>();
  for (const n of nodes) {
    indegree.set(n, 0);
    succs.set(n, []);
  }
  for (const n of nodes) {
    for (const p of new Set(preds.get(n) ?? [])) {
      if (!known.has(p)) continue;
      indegree.set(n, (indegree.get(n) ?? 0) + 1);
      succs.get(p)?.push(n);
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  // Small graphs (tens of items): a linear scan per step keeps the given order simply.
  for (;;) {
    const next = nodes.find((n) => !done.has(n) && indegree.get(n) === 0);
    if (next === undefined) break;
    done.add(next);
    order.push(next);
    for (const s of succs.get(next) ?? []) indegree.set(s, (indegree.get(s) ?? 0) - 1);
  }
  return { order, cyclic: nodes.filter((n) => !done.has(n)) };
}

/** One cycle as a path `a → b → … → a` (first node repeated at the end), or null. */
export function findCycle(nodes: readonly string[], preds: Preds): string[] | null {
  const known = new Set(nodes);
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 finished
  for (const start of nodes) {
    if (state.has(start)) continue;
    // Iterative DFS over predecessor edges; the stack holds [node, next index].
    const stack: Array<[string, number]> = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [string, number];
      const [node, i] = top;
      const ps = (preds.get(node) ?? []).filter((p) => known.has(p));
      if (i >= ps.length) {
        state.set(node, 2);
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      const p = ps[i] as string;
      const s = state.get(p);
      if (s === 1) {
        const from = stack.findIndex(([n]) => n === p);
        // Edges point at predecessors; reverse so the path reads in execution order.
        return [...stack.slice(from).map(([n]) => n), p].reverse();
      }
      if (s === undefined) {
        state.set(p, 1);
        stack.push([p, 0]);
      }
    }
  }
  return null;
}

/** Every node `node` transitively waits for. */
export function ancestors(node: string, preds: Preds): Set<string> {
  const seen = new Set<string>();
  const todo = [...(preds.get(node) ?? [])];
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    todo.push(...(preds.get(n) ?? []));
  }
  return seen;
}

/**
 * The graph restricted to `keep`, with an edge a → c wherever c waited for a through nodes
 * that were dropped (an excluded optional item does not break the chain around it).
 */
export function restrict(keep: readonly string[], preds: Preds): Map<string, string[]> {
  const kept = new Set(keep);
  const out = new Map<string, string[]>();
  for (const n of keep) {
    const result = new Set<string>();
    const seen = new Set<string>();
    const todo = [...(preds.get(n) ?? [])];
    while (todo.length > 0) {
      const p = todo.pop() as string;
      if (seen.has(p)) continue;
      seen.add(p);
      if (kept.has(p)) result.add(p);
      else todo.push(...(preds.get(p) ?? []));
    }
    out.set(n, [...result]);
  }
  return out;
}

/** Longest path by node weight (an item's time limit); items without predecessors start at 0. */
export function criticalPath(nodes: readonly string[], preds: Preds, weight: (node: string) => number): { length: number; path: string[] } {
  const { order } = topologicalOrder(nodes, preds);
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  for (const n of order) {
    let best = 0;
    let from: string | undefined;
    for (const p of preds.get(n) ?? []) {
      const f = finish.get(p);
      if (f !== undefined && f > best) {
        best = f;
        from = p;
      }
    }
    finish.set(n, best + weight(n));
    via.set(n, from);
  }
  let end: string | undefined;
  let length = 0;
  for (const n of order) {
    const f = finish.get(n) ?? 0;
    if (end === undefined || f > length) {
      end = n;
      length = f;
    }
  }
  const path: string[] = [];
  for (let n = end; n !== undefined; n = via.get(n)) path.unshift(n);
  return { length, path };
}
