// The offline cache: the last thing read from each deployment (fleet snapshot, overview, tenant detail), kept
// with the time it was read so that, with no connection, views show it read-only and "as of" that time.
import type { Db } from './db.js';

export interface Cached<T> {
  takenAt: string;
  value: T;
}

export class SnapshotCache {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare<[string, string], { taken_at: string; body: string }>('SELECT taken_at, body FROM cache WHERE connection_id = ? AND key = ?'),
      put: db.prepare<[string, string, string, string]>(
        `INSERT INTO cache (connection_id, key, taken_at, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id, key) DO UPDATE SET taken_at = excluded.taken_at, body = excluded.body`,
      ),
      clear: db.prepare<[string]>('DELETE FROM cache WHERE connection_id = ?'),
    };
  }

  get<T>(connectionId: string, key: string): Cached<T> | undefined {
    const r = this.stmts.get.get(connectionId, key);
    return r ? { takenAt: r.taken_at, value: JSON.parse(r.body) as T } : undefined;
  }

  put(connectionId: string, key: string, value: unknown, takenAt = new Date().toISOString()): void {
    this.stmts.put.run(connectionId, key, takenAt, JSON.stringify(value));
  }

  clear(connectionId: string): void {
    this.stmts.clear.run(connectionId);
  }
}
