// The tenants of a deployment's snapshot as JSON text, built by SQLite in one query. The snapshot of a 10,000-tenant
// deployment is mostly its tenant mirrors; building them as JavaScript objects (a row, its apps, two JSON.parse per
// row) and serializing them again for the HTTP answer cost more than everything else a console's full sync does.
// SQLite's JSON functions write the same text directly from the registry (tenants + tenant_apps), in the key order
// of TenantMirror, so `JSON.parse(tenantMirrorsJson(db))` deep-equals the snapshot's `tenants` (asserted by
// snapshot-json.test.ts against Deployment.snapshot(), which stays the reference).
import type { Database } from 'better-sqlite3';

// Each tenant's apps are grouped first (tenant_apps is keyed by tenant then app, so each group comes in app order) and
// joined once; json() marks the apps as JSON again, since a JSON subtype does not cross a subquery.
const TENANTS_JSON = `
  WITH apps AS (
    SELECT tenant_id, json_group_array(json_object('id', app_id, 'version', version, 'dataVersion', data_version, 'syncState', sync_state) ORDER BY app_id) AS list
    FROM tenant_apps WHERE @scope IS NULL OR tenant_id IN (SELECT value FROM json_each(@scope)) GROUP BY tenant_id
  )
  SELECT json_group_array(json_object(
      'id', t.tenant_id,
      'alternateIds', json(t.alternate_ids),
      'state', t.state,
      'failedOperation', t.failed_operation,
      'applicationVersion', t.application_version,
      'companies', json(t.companies),
      'createdAt', t.created_at,
      'mountedAt', t.mounted_at,
      'version', coalesce(t.version, 0),
      'apps', json(coalesce(a.list, '[]')),
      'archives', json(coalesce(t.archives, '[]'))
    ) ORDER BY t.tenant_id) AS body
  FROM tenants t LEFT JOIN apps a ON a.tenant_id = t.tenant_id
  WHERE @scope IS NULL OR t.tenant_id IN (SELECT value FROM json_each(@scope))`;

/** The JSON array of TenantMirror, sorted by id; with `tenants`, only those. Run it inside the snapshot's transaction. */
export function tenantMirrorsJson(db: Database, tenants?: ReadonlySet<string>): string {
  const row = db.prepare(TENANTS_JSON).get({ scope: tenants === undefined ? null : JSON.stringify([...tenants]) }) as { body: string | null } | undefined;
  return row?.body ?? '[]';
}
