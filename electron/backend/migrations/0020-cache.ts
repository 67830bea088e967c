// The offline cache: per connection, the last snapshot, overview and tenant details read, with when they were taken.
import type { Migration } from '../db.js';

export const migration0020: Migration = {
  version: 20,
  name: 'cache',
  up(db) {
    db.exec(`
      CREATE TABLE cache (
        connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (connection_id, key)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
