// Deployment database: the operation log (who, what, parameters, start, end, result, error).
import type { Migration } from '../../db/migration.js';

export const m0030Log: Migration = {
  version: 30,
  name: 'log',
  up(db) {
    db.exec(`
      CREATE TABLE op_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        op_id TEXT NOT NULL UNIQUE,
        actor TEXT NOT NULL,
        operation TEXT NOT NULL,
        tenant_id TEXT,
        params TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        result TEXT NOT NULL CHECK (result IN ('running','succeeded','failed')),
        error_code TEXT,
        error_message TEXT
      ) STRICT;
      CREATE INDEX op_log_by_tenant ON op_log(tenant_id, seq);
    `);
  },
};
