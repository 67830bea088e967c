// Engine internals for tests and benchmarks, kept off Deployment's public surface: the database handles (to assert
// pragmas, query plans and physical tables), the SQL of a page query, and how many tenant connections are open.
import type Database from 'better-sqlite3';
import type { Deployment } from './deployment.js';
import { coreOf } from './deployment-core.js';
import { pageQueryFor as pageQuery } from './tenant-records.js';

/** The deployment database handle. */
export function deploymentDatabase(d: Deployment): Database.Database {
  return coreOf(d).db;
}

/** The open tenant database handle (opened if it is not). */
export function tenantDatabase(d: Deployment, tenantId: string): Database.Database {
  const c = coreOf(d);
  return c.tenantRepo(c.tenantRow(tenantId)).db;
}

/** The SQL of a page query and the tenant connection to EXPLAIN it with. */
export function pageQueryFor(d: Deployment, tenantId: string, company: string, table: string, orderBy?: string): { db: Database.Database; sql: string } {
  return pageQuery(coreOf(d), tenantId, company, table, orderBy);
}

/** How many tenant connections are open (bounded by MAX_OPEN_TENANTS). */
export function openTenantConnections(d: Deployment): number {
  return coreOf(d).tenantDbs.size;
}
