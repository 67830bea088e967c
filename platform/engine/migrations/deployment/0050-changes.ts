// Deployment database: the change feed (every state change with a sequence number, appended in the same transaction
// as the change), each tenant's version and archive index in the registry (so the state a client mirrors is read
// from this database alone), and the two-phase ("staged") moves between deployments that do not share a process:
// the move journal's mode, and the copies a destination received and holds dismounted until the source completes.
import type { Migration } from '../../db/migration.js';

export const m0050Changes: Migration = {
  version: 50,
  name: 'changes',
  up(db) {
    db.exec(`
      CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        tenant_id TEXT,
        app_id TEXT,
        data TEXT NOT NULL
      ) STRICT;
      ALTER TABLE tenants ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tenants ADD COLUMN archives TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE move_journal ADD COLUMN mode TEXT NOT NULL DEFAULT 'local';
      CREATE TABLE move_incoming (
        move_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        outcome TEXT CHECK (outcome IN ('mounted','discarded')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (move_id, tenant_id)
      ) STRICT;
      CREATE INDEX move_incoming_by_tenant ON move_incoming(tenant_id, outcome);
    `);
  },
};
