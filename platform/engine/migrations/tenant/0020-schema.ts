// Tenant database: the schema registry — which physical table holds which table's rows (or which extension's
// fields on it) for which company, with its columns and a row counter (so archiving never counts rows).
import type { Migration } from '../../db/migration.js';

export const m0020Schema: Migration = {
  version: 20,
  name: 'schema',
  up(db) {
    db.exec(`
      CREATE TABLE schema_tables (
        physical TEXT PRIMARY KEY,
        company_id INTEGER NOT NULL,
        table_id INTEGER NOT NULL,
        table_name TEXT NOT NULL,
        owner_app_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('table','fields')),
        base_physical TEXT,
        key_index TEXT,
        columns TEXT NOT NULL,
        row_count INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE UNIQUE INDEX schema_tables_slot ON schema_tables(company_id, table_id, owner_app_id);
      CREATE INDEX schema_tables_by_owner ON schema_tables(owner_app_id);
    `);
  },
};
