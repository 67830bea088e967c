// The tenants of a deployment's snapshot as JSON text. The snapshot of a 10,000-tenant deployment is mostly its
// tenant mirrors; building them as JavaScript objects (a row, its apps, two JSON.parse per row) and serializing them
// again for the HTTP answer cost more than everything else a console's full sync does. Each tenant's mirror is kept
// as text in the registry (`tenants.mirror`), written with the change that the feed appends for it (the same
// transaction, the same value), so the snapshot is one ordered concatenation. A row without it (a deployment from
// before the column, until its migration filled it) is written by SQLite's JSON functions from the registry, in the
// key order of TenantMirror. `JSON.parse(tenantMirrorsJson(db))` deep-equals the snapshot's `tenants` (asserted by
// snapshot-json.test.ts and by the server's randomized follower test against Deployment.snapshot(), the reference).
import type { Database } from 'better-sqlite3';

/** One tenant's mirror built from the registry row `t` (its apps by correlated subquery, in app order). */
export const TENANT_MIRROR_SQL = `json_object(
      'id', t.tenant_id,
      'alternateIds', json(t.alternate_ids),
      'state', t.state,
      'failedOperation', t.failed_operation,
      'applicationVersion', t.application_version,
      'companies', json(t.companies),
      'createdAt', t.created_at,
      'mountedAt', t.mounted_at,
      'version', coalesce(t.version, 0),
      'apps', json(coalesce((
        SELECT json_group_array(json_object('id', a.app_id, 'version', a.version, 'dataVersion', a.data_version, 'syncState', a.sync_state) ORDER BY a.app_id)
        FROM tenant_apps a WHERE a.tenant_id = t.tenant_id), '[]')),
      'archives', json(coalesce(t.archives, '[]')))`;

const TENANTS_JSON = `
  SELECT '[' || coalesce(group_concat(coalesce(t.mirror, ${TENANT_MIRROR_SQL}), ',' ORDER BY t.tenant_id), '') || ']' AS body
  FROM tenants t
  WHERE @scope IS NULL OR t.tenant_id IN (SELECT value FROM json_each(@scope))`;

/** The JSON array of TenantMirror, sorted by id; with `tenants`, only those. Run it inside the snapshot's transaction. */
export function tenantMirrorsJson(db: Database, tenants?: ReadonlySet<string>): string {
  const row = db.prepare(TENANTS_JSON).get({ scope: tenants === undefined ? null : JSON.stringify([...tenants]) }) as { body: string | null } | undefined;
  return row?.body ?? '[]';
}
