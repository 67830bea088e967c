// Canonical JSON (object keys sorted, no whitespace, undefined dropped) so an audit entry hashes the same
// wherever and whenever it is recomputed.
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  // bigint, function, symbol: not JSON; refuse rather than hash something that cannot be reproduced
  throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
}
