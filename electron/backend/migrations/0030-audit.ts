// The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained.
import type { Migration } from '../db.js';

export const migration0030: Migration = {
  version: 30,
  name: 'audit',
  up(db) {
    db.exec(`
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        connection_id TEXT,
        connection_name TEXT,
        target TEXT,
        params TEXT NOT NULL,
        result TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'cancelled')),
        error TEXT,
        op_id TEXT,
        job_id TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
  },
};
