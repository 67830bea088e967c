// Tenant database: the data archive index ("NAV App Data Archive"). Each row points at a renamed physical table.
import type { Migration } from '../../db/migration.js';

export const m0030Archive: Migration = {
  version: 30,
  name: 'archive',
  up(db) {
    db.exec(`
      CREATE TABLE archives (
        archive_id INTEGER PRIMARY KEY AUTOINCREMENT,
        app_id TEXT NOT NULL,
        app_name TEXT NOT NULL,
        publisher TEXT NOT NULL,
        version TEXT NOT NULL,
        data_version TEXT NOT NULL,
        company_id INTEGER NOT NULL,
        company_name TEXT NOT NULL,
        table_id INTEGER NOT NULL,
        table_name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('table','fields','column')),
        original_physical TEXT NOT NULL,
        base_physical TEXT,
        key_index TEXT,
        columns TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        archived_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        op_id TEXT NOT NULL,
        definition TEXT
      ) STRICT;
      CREATE INDEX archives_by_app ON archives(app_id);
    `);
  },
};
