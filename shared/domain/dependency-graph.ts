// Dependency ordering of extensions: topological sort with the cycle named when there is one.

export interface GraphNode {
  id: string;
  name: string;
  dependencies: readonly { id: string }[];
}

export class DependencyCycleError extends Error {
  constructor(readonly cycle: string[]) {
    super(`dependency cycle: ${cycle.join(' -> ')}`);
  }
}

/**
 * Orders nodes so every node comes after the nodes it depends on. Dependencies that are not
 * among the nodes are ignored (they are checked elsewhere). Ties keep the input order, so the
 * result is deterministic. Throws DependencyCycleError naming the cycle.
 */
export function dependencyOrder<T extends GraphNode>(nodes: readonly T[]): T[] {
  const byId = new Map(nodes.map((n) => [n.id.toLowerCase(), n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: T[] = [];
  const stack: T[] = [];
  const visit = (n: T): void => {
    const key = n.id.toLowerCase();
    const s = state.get(key);
    if (s === 'done') return;
    if (s === 'visiting') {
      const start = stack.findIndex((x) => x.id.toLowerCase() === key);
      throw new DependencyCycleError([...stack.slice(start).map((x) => x.name), n.name]);
    }
    state.set(key, 'visiting');
    stack.push(n);
    for (const d of n.dependencies) {
      const dep = byId.get(d.id.toLowerCase());
      if (dep) visit(dep);
    }
    stack.pop();
    state.set(key, 'done');
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}

/** Every node that (transitively) depends on `id`, nearest first. */
export function dependentsOf<T extends GraphNode>(id: string, nodes: readonly T[]): T[] {
  const out: T[] = [];
  const seen = new Set<string>([id.toLowerCase()]);
  let frontier = [id.toLowerCase()];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const n of nodes) {
      const key = n.id.toLowerCase();
      if (seen.has(key)) continue;
      if (n.dependencies.some((d) => frontier.includes(d.id.toLowerCase()))) {
        seen.add(key);
        out.push(n);
        next.push(key);
      }
    }
    frontier = next;
  }
  return out;
}
