// Small immutable set helpers for selections held in React state.

/** A copy of `set` with `key` added when it was absent, removed when it was present. */
export function toggled<T>(set: ReadonlySet<T>, key: T): Set<T> {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}
