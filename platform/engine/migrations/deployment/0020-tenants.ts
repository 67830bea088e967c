// Deployment database: the tenant registry and its copy of each tenant's installed apps ("NAV App Tenant App").
// The tenant database is the truth; these rows are reconciled from it on open and on mount.
import type { Migration } from '../../db/migration.js';

export const m0020Tenants: Migration = {
  version: 20,
  name: 'tenants',
  up(db) {
    db.exec(`
      CREATE TABLE tenants (
        tenant_id TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('operational','sync-pending','data-upgrade-pending','dismounted','failed')),
        failed_operation TEXT,
        failed_error TEXT,
        alternate_ids TEXT NOT NULL DEFAULT '[]',
        companies TEXT NOT NULL DEFAULT '[]',
        application_version TEXT NOT NULL,
        created_at TEXT NOT NULL,
        mounted_at TEXT
      ) STRICT;
      CREATE TABLE tenant_apps (
        tenant_id TEXT NOT NULL REFERENCES tenants(tenant_id) ON DELETE CASCADE,
        app_id TEXT NOT NULL,
        version TEXT NOT NULL,
        data_version TEXT NOT NULL,
        sync_state TEXT NOT NULL,
        PRIMARY KEY (tenant_id, app_id)
      ) STRICT;
      CREATE INDEX tenant_apps_by_app ON tenant_apps(app_id, version);
    `);
  },
};
