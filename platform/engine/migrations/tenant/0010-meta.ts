// Tenant database: identity ($meta), companies, and the installed apps with their definitions
// ("NAV App Installed App"), so the tenant can be worked on while dismounted, without a catalog.
import type { Migration } from '../../db/migration.js';

export const m0010Meta: Migration = {
  version: 10,
  name: 'meta',
  up(db) {
    db.exec(`
      CREATE TABLE "$meta" (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      CREATE TABLE companies (
        company_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE installed_apps (
        app_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        publisher TEXT NOT NULL,
        version TEXT NOT NULL,
        data_version TEXT NOT NULL,
        installed_at TEXT NOT NULL,
        sync_state TEXT NOT NULL CHECK (sync_state IN ('synced','pending')),
        package_sha256 TEXT NOT NULL,
        definition TEXT NOT NULL
      ) STRICT;
    `);
  },
};
