// Declarative data steps of extensions (install steps, upgrade steps, table data): run per company through the
// record store, each tagged step at most once per company (upgrade tags).
import { TenantryError } from '../../shared/api/errors.js';
import type { JsonValue } from '../../shared/api/operations.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import type { DataAction } from '../../shared/domain/objects.js';
import { compareVersions } from '../../shared/domain/version.js';
import { isBlank, toStored } from './field-values.js';
import type { RecordStore, RecordValues } from './records.js';
import type { CompanyRow } from './repositories/tenant-repository.js';

function asJson(v: unknown): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return v === undefined ? null : JSON.stringify(v);
}

function asValues(row: Record<string, unknown>): RecordValues {
  const out: RecordValues = {};
  for (const [k, v] of Object.entries(row)) out[k] = asJson(v);
  return out;
}

/** Runs one action in one company. */
export function runAction(store: RecordStore, company: string, a: DataAction, where: string): void {
  switch (a.op) {
    case 'renameField':
      // The field keeps its id, so its column and data stay: nothing to move.
      return;
    case 'insertRows': {
      const l = store.layout(company, a.table);
      for (const r of a.rows) store.insert(l, asValues(r), { fireEvents: false, skipExisting: true });
      return;
    }
    case 'copyField': {
      const l = store.layout(company, a.table);
      const to = l.byName.get(a.to.toLowerCase());
      const from = l.byName.get(a.from.toLowerCase());
      if (!to || !from)
        throw new TenantryError('OBJECT_INVALID', `${where}: copyField ${a.from} -> ${a.to}: table "${a.table}" has no field "${!from ? a.from : a.to}"`);
      for (const rid of store.allRids(l)) {
        const rec = store.readByRid(l, rid);
        store.modifyByRid(l, rid, { [to.field.name]: rec[from.field.name] ?? null }, false);
      }
      return;
    }
    case 'setValue': {
      const l = store.layout(company, a.table);
      const f = l.byName.get(a.field.toLowerCase());
      if (!f) throw new TenantryError('OBJECT_INVALID', `${where}: setValue: table "${a.table}" has no field "${a.field}"`);
      for (const rid of store.allRids(l)) {
        if (a.onlyIfEmpty) {
          const rec = store.readByRid(l, rid);
          if (!isBlank(f.field.type, rec[f.field.name])) continue;
        }
        store.modifyByRid(l, rid, { [f.field.name]: a.value }, false);
      }
      return;
    }
    case 'deleteRows': {
      const l = store.layout(company, a.table);
      const conds = Object.entries(a.where).map(([name, v]) => {
        const f = l.byName.get(name.toLowerCase());
        if (!f) throw new TenantryError('OBJECT_INVALID', `${where}: deleteRows: table "${a.table}" has no field "${name}"`);
        return { f, v: toStored(f.spec, asJson(v), where) };
      });
      for (const rid of store.allRids(l)) {
        const rec = store.readByRid(l, rid);
        const match = conds.every(({ f, v }) => toStored(f.spec, rec[f.field.name] ?? null, where) === v);
        if (match) store.deleteByRid(l, rid, false);
      }
      return;
    }
  }
}

export interface StepRunner {
  store: RecordStore;
  companies: readonly CompanyRow[];
  hasTag(companyId: number, tag: string): boolean;
  addTag(companyId: number, tag: string): void;
}

/** Install steps of every codeunit of the app, in every company, once per tag. Returns "company: tag" lines. */
export function runInstallSteps(def: AppDefinition, r: StepRunner): string[] {
  const ran: string[] = [];
  for (const o of def.objects) {
    if (o.type !== 'codeunit') continue;
    for (const step of o.install) {
      for (const c of r.companies) {
        if (r.hasTag(c.company_id, step.tag)) continue;
        for (const a of step.actions) runAction(r.store, c.name, a, `install step "${step.tag}" of codeunit "${o.name}"`);
        r.addTag(c.company_id, step.tag);
        ran.push(`${c.name}: ${step.tag}`);
      }
    }
  }
  return ran;
}

/** Upgrade steps whose from-range holds `fromVersion`, in every company, once per tag. */
export function runUpgradeSteps(def: AppDefinition, fromVersion: string, r: StepRunner): string[] {
  const ran: string[] = [];
  for (const o of def.objects) {
    if (o.type !== 'codeunit') continue;
    for (const step of o.upgrade) {
      if (step.fromMin !== undefined && compareVersions(fromVersion, step.fromMin) < 0) continue;
      if (step.fromMax !== undefined && compareVersions(fromVersion, step.fromMax) > 0) continue;
      for (const c of r.companies) {
        if (r.hasTag(c.company_id, step.tag)) continue;
        for (const a of step.actions) runAction(r.store, c.name, a, `upgrade step "${step.tag}" of codeunit "${o.name}"`);
        r.addTag(c.company_id, step.tag);
        ran.push(`${c.name}: ${step.tag}`);
      }
    }
  }
  return ran;
}

/** The package's table data, loaded in every company (tables shared by all companies: once). */
export function loadTableData(def: AppDefinition, store: RecordStore, companies: readonly CompanyRow[]): number {
  let n = 0;
  for (const td of def.tableData) {
    const seen = new Set<string>();
    for (const c of companies) {
      const l = store.layout(c.name, td.table);
      if (seen.has(l.base.physical)) continue;
      seen.add(l.base.physical);
      n += store.loadRows(l, td.rows.map(asValues));
    }
  }
  return n;
}
