// Publishing many packages at once (a folder of a few hundred real .app files): which of them can be
// published and in what order, and for each refused one the missing dependency (id, name, publisher,
// minimum version) and the packages it blocks, transitively. Dependencies resolve as in Business Central:
// by id, to the newest version at or above the minimum (all four parts compared), among the published
// packages and the candidates that can themselves be published. The same id and version as a published
// package is a no-op with identical bytes and refused with different bytes.
import { describeApp, type Dependency } from './manifest.js';
import { dependencyOrder, DependencyCycleError } from './dependency-graph.js';
import { isAtLeast } from './version.js';

export interface PublishCandidate {
  /** How messages name the package (its file name). */
  source: string;
  manifest: { id: string; name: string; publisher: string; version: string; dependencies: readonly Dependency[] };
  sha256: string;
}

export interface PublishedPackage {
  manifest: { id: string; name: string; publisher: string; version: string };
  sha256: string;
}

export interface PublishRefusal<T extends PublishCandidate> {
  candidate: T;
  code: 'DEPENDENCY_MISSING' | 'DEPENDENCY_CYCLE' | 'ALREADY_PUBLISHED';
  message: string;
  /** The dependency that is neither published nor publishable (for a package refused for its own dependency). */
  missing?: Dependency;
  /** The refused package this one waits on (for a package blocked by another refusal). */
  blockedBy?: string;
  /** Every candidate that cannot be published because this one is refused, nearest first. */
  blocks: string[];
}

export interface PublishPlan<T extends PublishCandidate> {
  /** Dependencies first. */
  order: T[];
  /** Already published with identical bytes (or listed twice with identical bytes). */
  unchanged: T[];
  refused: PublishRefusal<T>[];
}

const key = (s: string): string => s.toLowerCase();
const ident = (m: { id: string; version: string }): string => `${key(m.id)}@${m.version}`;

export function planPublish<T extends PublishCandidate>(candidates: readonly T[], published: readonly PublishedPackage[]): PublishPlan<T> {
  const unchanged: T[] = [];
  const refused: PublishRefusal<T>[] = [];
  const publishedBy = new Map(published.map((p) => [ident(p.manifest), p]));
  const seen = new Map<string, T>();
  const pending: T[] = [];
  for (const c of candidates) {
    const id = ident(c.manifest);
    const before = publishedBy.get(id) ?? seen.get(id);
    if (before) {
      if (before.sha256 === c.sha256) unchanged.push(c);
      else {
        const where = seen.has(id) ? `${(before as T).source} in this set` : 'the catalog';
        refused.push({
          candidate: c,
          code: 'ALREADY_PUBLISHED',
          message: `${c.source}: ${describeApp(c.manifest)} (${c.manifest.id}) is already in ${where} with different bytes; publish a new version`,
          blocks: [],
        });
      }
      continue;
    }
    seen.set(id, c);
    pending.push(c);
  }

  // Versions available per app id: published ones, plus candidates still in the running.
  const publishedVersions = new Map<string, string[]>();
  for (const p of published) publishedVersions.set(key(p.manifest.id), [...(publishedVersions.get(key(p.manifest.id)) ?? []), p.manifest.version]);
  const live = new Set<T>(pending);
  const candidatesById = new Map<string, T[]>();
  for (const c of pending) candidatesById.set(key(c.manifest.id), [...(candidatesById.get(key(c.manifest.id)) ?? []), c]);
  const satisfiedByPublished = (d: Dependency): boolean => (publishedVersions.get(key(d.id)) ?? []).some((v) => isAtLeast(v, d.version));
  const liveProviders = (d: Dependency): T[] => (candidatesById.get(key(d.id)) ?? []).filter((c) => live.has(c) && isAtLeast(c.manifest.version, d.version));

  // Packages whose dependency is nowhere at all are the root refusals; then whatever waits only on refused ones.
  const rootOf = new Map<T, { missing?: Dependency; blockedBy?: T }>();
  for (const c of pending) {
    const missing = c.manifest.dependencies.find(
      (d) => !satisfiedByPublished(d) && (candidatesById.get(key(d.id)) ?? []).every((x) => !isAtLeast(x.manifest.version, d.version)),
    );
    if (missing) {
      rootOf.set(c, { missing });
      live.delete(c);
    }
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of pending) {
      if (!live.has(c)) continue;
      const dep = c.manifest.dependencies.find((d) => !satisfiedByPublished(d) && liveProviders(d).length === 0);
      if (!dep) continue;
      const blocker = (candidatesById.get(key(dep.id)) ?? []).find((x) => isAtLeast(x.manifest.version, dep.version) && rootOf.has(x));
      rootOf.set(c, blocker ? { blockedBy: blocker } : { missing: dep });
      live.delete(c);
      changed = true;
    }
  }

  // Who each refused package blocks: every refused package whose chain of blockers leads to it.
  const blocks = new Map<T, T[]>();
  for (const [c, why] of rootOf) {
    let b = why.blockedBy;
    const guard = new Set<T>();
    while (b && !guard.has(b)) {
      guard.add(b);
      blocks.set(b, [...(blocks.get(b) ?? []), c]);
      b = rootOf.get(b)?.blockedBy;
    }
  }
  for (const c of pending) {
    const why = rootOf.get(c);
    if (!why) continue;
    const blocked = (blocks.get(c) ?? []).map((x) => x.source);
    const tail = blocked.length > 0 ? `; it blocks ${blocked.join(', ')}` : '';
    if (why.missing) {
      const d = why.missing;
      const others = [...(publishedVersions.get(key(d.id)) ?? []), ...(candidatesById.get(key(d.id)) ?? []).map((x) => x.manifest.version)];
      refused.push({
        candidate: c,
        code: 'DEPENDENCY_MISSING',
        message:
          `${c.source}: ${describeApp(c.manifest)} depends on ${describeApp(d)} (${d.id}), which is neither published nor in this set at version ${d.version} or higher` +
          (others.length > 0 ? ` (available: ${others.join(', ')})` : '') +
          tail,
        missing: d,
        blocks: blocked,
      });
    } else {
      const b = why.blockedBy!;
      refused.push({
        candidate: c,
        code: 'DEPENDENCY_MISSING',
        message: `${c.source}: ${describeApp(c.manifest)} depends on ${describeApp(b.manifest)} (${b.source}), which is refused${tail}`,
        blockedBy: b.source,
        blocks: blocked,
      });
    }
  }

  const ready = pending.filter((c) => live.has(c));
  try {
    return {
      order: dependencyOrder(ready.map((c) => ({ id: ident(c.manifest), name: c.source, c, dependencies: resolvedEdges(c, ready) }))).map((n) => n.c),
      unchanged,
      refused,
    };
  } catch (e) {
    if (!(e instanceof DependencyCycleError)) throw e;
    const inCycle = new Set(e.cycle);
    for (const c of ready.filter((x) => inCycle.has(x.source))) {
      refused.push({
        candidate: c,
        code: 'DEPENDENCY_CYCLE',
        message: `${c.source}: ${describeApp(c.manifest)} is in a dependency cycle: ${e.cycle.join(' -> ')}`,
        blocks: [],
      });
    }
    const rest = ready.filter((x) => !inCycle.has(x.source));
    const sub = planPublish(rest, published);
    return { order: sub.order, unchanged: [...unchanged, ...sub.unchanged], refused: [...refused, ...sub.refused] };
  }
}

/** The candidates `c` will bind to: for each dependency, the newest live candidate at or above the minimum. */
function resolvedEdges<T extends PublishCandidate>(c: T, ready: readonly T[]): { id: string }[] {
  const out: { id: string }[] = [];
  for (const d of c.manifest.dependencies) {
    const ok = ready.filter((x) => key(x.manifest.id) === key(d.id) && isAtLeast(x.manifest.version, d.version));
    for (const x of ok) out.push({ id: ident(x.manifest) });
  }
  return out;
}
