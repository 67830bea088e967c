// What a tenant holds, read and written through its merged view: objects, permission sets, subscribers, and the
// record API (insert, insert many, modify, delete, page) over records.ts's RecordStore.
import type Database from 'better-sqlite3';
import type { OperationOutput } from '../../shared/api/operations.js';
import type { DeploymentCore } from './deployment-core.js';
import { RecordStore, type RecordValues } from './records.js';
import { permissionSetEntry, subscriberEntry } from './repositories/tenant-repository.js';

export function mergedView(c: DeploymentCore, tenantId: string): OperationOutput<'tenant.objects'> {
  const { row, repo } = c.readRepo(tenantId, 'info');
  const view = c.view(row.tenant_id, repo);
  const names = new Map<string, string>([['', c.app.name], ...repo.installed().map((a) => [a.app_id, a.name] as [string, string])]);
  return {
    objects: view.objects.map((o) => ({
      type: o.type,
      id: o.id,
      name: o.name,
      ownerAppId: o.ownerAppId,
      ownerAppName: names.get(o.ownerAppId) ?? '',
      ...(o.extends !== undefined ? { extends: o.extends } : {}),
    })),
    tables: view.tables.map((t) => ({
      id: t.id,
      name: t.name,
      ownerAppId: t.ownerAppId,
      dataPerCompany: t.dataPerCompany,
      primaryKey: t.primaryKey,
      extendedBy: t.extendedBy,
      fields: t.fields.map((f) => ({
        name: f.name,
        fieldId: f.id,
        type: f.type,
        ...(f.length !== undefined ? { length: f.length } : {}),
        ownerAppId: f.ownerAppId,
      })),
    })),
  };
}

export function permissionSets(c: DeploymentCore, tenantId: string): OperationOutput<'tenant.permissionSets'> {
  const { repo } = c.readRepo(tenantId, 'info');
  const names = new Map(repo.installed().map((a) => [a.app_id, a.name]));
  return {
    permissionSets: repo.permissionSets().map((p) => permissionSetEntry(p, names.get(p.app_id) ?? '')),
  };
}

export function subscribers(c: DeploymentCore, tenantId: string): OperationOutput<'tenant.subscribers'> {
  const { repo } = c.readRepo(tenantId, 'info');
  return {
    subscribers: repo.subscribers().map(subscriberEntry),
  };
}

export function recordWrite<T>(c: DeploymentCore, tenantId: string, body: (store: RecordStore) => T): T {
  const { row, repo } = c.readRepo(tenantId, 'record-write');
  const store = c.recordStore(row.tenant_id, repo);
  return repo.db.transaction(() => body(store))();
}

export function insertRecord(c: DeploymentCore, tenantId: string, company: string, table: string, values: RecordValues): { rid: number; record: RecordValues } {
  return recordWrite(c, tenantId, (s) => {
    const r = s.insert(s.layout(company, table), values);
    if (!r) throw new Error('internal: insert returned nothing');
    return r;
  });
}

/** Bulk insert in one transaction (all or nothing). */
export function insertMany(c: DeploymentCore, tenantId: string, company: string, table: string, rows: readonly RecordValues[]): { inserted: number } {
  return recordWrite(c, tenantId, (s) => {
    const l = s.layout(company, table);
    for (const r of rows) s.insert(l, r, { readBack: false });
    return { inserted: rows.length };
  });
}

export function modifyRecord(
  c: DeploymentCore,
  tenantId: string,
  company: string,
  table: string,
  key: RecordValues,
  changes: RecordValues,
): { rid: number; record: RecordValues } {
  return recordWrite(c, tenantId, (s) => s.modify(s.layout(company, table), key, changes));
}

export function deleteRecord(c: DeploymentCore, tenantId: string, company: string, table: string, key: RecordValues): { rid: number; deleted: true } {
  return recordWrite(c, tenantId, (s) => ({ rid: s.delete(s.layout(company, table), key), deleted: true as const }));
}

export function readPage(
  c: DeploymentCore,
  tenantId: string,
  company: string,
  table: string,
  opts: { offset?: number; limit?: number; orderBy?: string; descending?: boolean } = {},
): OperationOutput<'record.page'> {
  const { row, repo } = c.readRepo(tenantId, 'record-read');
  const store = c.recordStore(row.tenant_id, repo);
  const l = store.layout(company, table);
  const page = store.page(l, { offset: opts.offset ?? 0, limit: opts.limit ?? 100, orderBy: opts.orderBy, descending: opts.descending ?? false });
  return {
    columns: l.fields.map((f) => ({
      name: f.field.name,
      fieldId: f.field.id,
      type: f.field.type,
      ...(f.field.length !== undefined ? { length: f.field.length } : {}),
      ownerAppId: f.field.ownerAppId,
    })),
    rows: page.rows,
    total: page.total,
  };
}

/** For tests and benchmarks: the SQL of a page query and the tenant connection to EXPLAIN it with. */
export function pageQueryFor(c: DeploymentCore, tenantId: string, company: string, table: string, orderBy?: string): { db: Database.Database; sql: string } {
  const { row, repo } = c.readRepo(tenantId, 'record-read');
  const store = c.recordStore(row.tenant_id, repo);
  return { db: repo.db, sql: store.pageSql(store.layout(company, table), orderBy) };
}
