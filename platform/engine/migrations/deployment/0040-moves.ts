// Deployment database: the move journal, so an interrupted tenant move can be finished or undone on next open.
import type { Migration } from '../../db/migration.js';

export const m0040Moves: Migration = {
  version: 40,
  name: 'moves',
  up(db) {
    db.exec(`
      CREATE TABLE move_journal (
        move_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        destination TEXT NOT NULL,
        phase TEXT NOT NULL,
        prior_state TEXT NOT NULL,
        sha256 TEXT,
        size INTEGER,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        outcome TEXT CHECK (outcome IN ('moved','rolled-back')),
        error TEXT
      ) STRICT;
      CREATE INDEX move_journal_open ON move_journal(outcome);
    `);
  },
};
