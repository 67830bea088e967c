// Tenant database: the tenant's own operation log (travels with the tenant).
import type { Migration } from '../../db/migration.js';

export const m0050Log: Migration = {
  version: 50,
  name: 'log',
  up(db) {
    db.exec(`
      CREATE TABLE op_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op_id TEXT NOT NULL UNIQUE,
        actor TEXT NOT NULL,
        operation TEXT NOT NULL,
        params TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        result TEXT NOT NULL CHECK (result IN ('succeeded','failed')),
        error_code TEXT,
        error_message TEXT
      ) STRICT;
    `);
  },
};
