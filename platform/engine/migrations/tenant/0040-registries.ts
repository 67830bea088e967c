// Tenant database: granted permission sets, the event subscriber registry, and upgrade tags.
import type { Migration } from '../../db/migration.js';

export const m0040Registries: Migration = {
  version: 40,
  name: 'registries',
  up(db) {
    db.exec(`
      CREATE TABLE permission_sets (
        app_id TEXT NOT NULL,
        ps_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        caption TEXT,
        permissions TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (app_id, ps_id)
      ) STRICT;
      CREATE TABLE subscribers (
        seq INTEGER PRIMARY KEY,
        app_id TEXT NOT NULL,
        app_name TEXT NOT NULL,
        codeunit_id INTEGER NOT NULL,
        codeunit TEXT NOT NULL,
        name TEXT NOT NULL,
        event TEXT NOT NULL,
        table_name TEXT,
        stage TEXT NOT NULL,
        ord INTEGER NOT NULL,
        action TEXT
      ) STRICT;
      CREATE INDEX subscribers_by_event ON subscribers(event, table_name COLLATE NOCASE);
      CREATE INDEX subscribers_by_app ON subscribers(app_id);
      CREATE TABLE upgrade_tags (
        company_id INTEGER NOT NULL,
        app_id TEXT NOT NULL,
        tag TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        op_id TEXT NOT NULL,
        PRIMARY KEY (company_id, app_id, tag)
      ) STRICT;
    `);
  },
};
