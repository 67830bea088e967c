// Deployment database: settings (name, application) and the app catalog (package bytes + compiled definition).
import type { Migration } from '../../db/migration.js';

export const m0010Catalog: Migration = {
  version: 10,
  name: 'catalog',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      CREATE TABLE apps (
        app_id TEXT NOT NULL,
        version TEXT NOT NULL,
        version_key TEXT NOT NULL,
        name TEXT NOT NULL,
        publisher TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        package BLOB NOT NULL,
        definition TEXT NOT NULL,
        signed INTEGER NOT NULL,
        skipped_verification INTEGER NOT NULL,
        signer_key_id TEXT,
        published_at TEXT NOT NULL,
        published_by TEXT NOT NULL,
        problems TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (app_id, version)
      ) STRICT;
      CREATE INDEX apps_by_name ON apps(name COLLATE NOCASE);
    `);
  },
};
