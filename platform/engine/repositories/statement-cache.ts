// Prepared statements, prepared once per connection and reused: repositories call stmt(sql) with constant SQL.
import type Database from 'better-sqlite3';

export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(readonly db: Database.Database) {}
  stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

/** A version as a sortable key: 1.2.10.0 -> 0000000001.0000000002.0000000010.0000000000. */
export function versionKey(v: string): string {
  return v
    .split('.')
    .map((p) => p.padStart(10, '0'))
    .join('.');
}

export function nowIso(): string {
  return new Date().toISOString();
}
