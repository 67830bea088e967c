// The workflows: job kinds and per-item steps, waves and read-back proofs; the deployments' snapshot history
// (to compare two points in time offline) and a copy of their operation logs (searchable offline).
import type { Migration } from '../db.js';

export const migration0050: Migration = {
  version: 50,
  name: 'workflows',
  up(db) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'bulk' CHECK (kind IN ('bulk', 'move', 'upgrade'));
      ALTER TABLE jobs ADD COLUMN stopped_reason TEXT;
      ALTER TABLE job_items ADD COLUMN steps TEXT;
      ALTER TABLE job_items ADD COLUMN wave INTEGER;
      ALTER TABLE job_items ADD COLUMN proof TEXT;

      CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
        taken_at TEXT NOT NULL,
        hash TEXT NOT NULL,
        tenants INTEGER NOT NULL,
        installed INTEGER NOT NULL,
        archived INTEGER NOT NULL,
        -- the snapshot's canonical JSON, deflated (a large fleet's snapshot compresses about tenfold)
        body BLOB NOT NULL
      ) STRICT;
      CREATE INDEX snapshots_by_connection ON snapshots (connection_id, id);

      CREATE TABLE op_log (
        connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
        op_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        operation TEXT NOT NULL,
        tenant_id TEXT,
        params TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        result TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        PRIMARY KEY (connection_id, op_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX op_log_started ON op_log (connection_id, started_at DESC);
    `);
  },
};
