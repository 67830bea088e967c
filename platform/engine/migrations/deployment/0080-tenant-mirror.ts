// Deployment database: each tenant's mirror (what the change feed last said of it) as JSON text in the registry, so
// a snapshot is read without building and serializing every tenant (snapshot-json.ts). Filled here for the tenants
// there are; from then on written with every tenant.upserted change, in its transaction.
import type { Migration } from '../../db/migration.js';
import { TENANT_MIRROR_SQL } from '../../snapshot-json.js';

export const m0080TenantMirror: Migration = {
  version: 80,
  name: 'tenant-mirror',
  up(db) {
    db.exec(`
      ALTER TABLE tenants ADD COLUMN mirror TEXT;
      UPDATE tenants AS t SET mirror = ${TENANT_MIRROR_SQL};
    `);
  },
};
