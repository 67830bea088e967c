// The record API on the merged view: a table's rows live in its base physical table plus one companion table per
// extension that adds fields to it, joined on _rid. Validates values (RECORD_INVALID naming the field), keeps the
// primary key unique (RECORD_EXISTS), keeps the registry's row counters exact, and fires the registered subscribers
// for record.inserted / modified / deleted in stage order (pre-validation, pre-operation, post-operation).
import type Database from 'better-sqlite3';
import { TenantryError } from '../../shared/api/errors.js';
import type { JsonValue } from '../../shared/api/operations.js';
import type { MergedField, MergedTable, MergedView } from '../../shared/domain/merge.js';
import { quoted, RID } from './db/identifiers.js';
import { blankStored, fromStored, isBlank, toStored, type FieldSpec, type SqlValue } from './field-values.js';
import { companyScope, parseColumns } from './physical-schema.js';
import type { CompanyRow, SchemaRow, SubscriberRow, TenantRepository } from './repositories/tenant-repository.js';
import { StatementCache } from './repositories/statement-cache.js';

export interface LayoutField {
  field: MergedField;
  spec: FieldSpec;
  physical: string;
  /** Alias of the physical table in joined queries: b (base) or c0, c1 ... */
  alias: string;
  column: string;
  isBase: boolean;
}

export interface TableLayout {
  table: MergedTable;
  companyId: number;
  companyName: string;
  /** For messages: `table "Customer" in company "CRONUS"`. */
  where: string;
  base: SchemaRow;
  companions: { row: SchemaRow; alias: string }[];
  fields: LayoutField[];
  byName: Map<string, LayoutField>;
  primaryKey: LayoutField[];
}

export type RecordValues = Record<string, JsonValue>;
type Event = 'record.inserted' | 'record.modified' | 'record.deleted';

const k = (s: string): string => s.toLowerCase();
const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** The view's tables by lower-cased name (the first of a name wins, as a search in order would); once per view. */
const tableIndex = new WeakMap<MergedView, Map<string, MergedTable>>();
function tablesByName(view: MergedView): Map<string, MergedTable> {
  let m = tableIndex.get(view);
  if (!m) {
    m = new Map();
    for (const t of view.tables) if (!m.has(k(t.name))) m.set(k(t.name), t);
    tableIndex.set(view, m);
  }
  return m;
}

export class RecordStore {
  private readonly s: StatementCache;
  private readonly layouts = new Map<string, TableLayout>();
  private companies: Map<string, CompanyRow> | undefined;
  constructor(
    readonly repo: TenantRepository,
    readonly view: MergedView,
  ) {
    this.s = new StatementCache(repo.db);
  }

  layout(companyName: string, tableName: string): TableLayout {
    const cacheKey = `${k(companyName)}\u0000${k(tableName)}`;
    const cached = this.layouts.get(cacheKey);
    if (cached) return cached;
    const table = tablesByName(this.view).get(k(tableName));
    if (!table)
      throw new TenantryError('NOT_FOUND', `table "${tableName}" does not exist in this tenant (application and installed extensions)`, { table: tableName });
    const company = this.company(companyName);
    if (!company) {
      const known = this.repo.companies().map((c) => `"${c.name}"`);
      throw new TenantryError('NOT_FOUND', `company "${companyName}" does not exist in the tenant; companies: ${known.join(', ')}`, { company: companyName });
    }
    const companyId = companyScope(table, [company])[0] ?? 0;
    const rows = this.repo.schemaForTable(companyId, table.id);
    const base = rows.find((r) => r.kind === 'table');
    if (!base) throw new TenantryError('TENANT_STATE', `table "${table.name}" has no storage in this tenant yet; run a sync`, { table: table.name });
    const companions = rows.filter((r) => r.kind === 'fields').map((row, i) => ({ row, alias: `c${i}` }));
    const where = `table "${table.name}" in company "${company.name}"`;
    const fields: LayoutField[] = [];
    const columnsOf = new Map<string, Set<number>>();
    for (const r of rows) columnsOf.set(r.physical, new Set(parseColumns(r.columns).map((c) => c.fieldId)));
    for (const f of table.fields) {
      const isBase = f.ownerAppId === table.ownerAppId;
      const holder = isBase ? { row: base, alias: 'b' } : companions.find((c) => c.row.owner_app_id === f.ownerAppId);
      if (!holder || !columnsOf.get(holder.row.physical)?.has(f.id)) continue; // not synced yet
      const spec: FieldSpec = { id: f.id, name: f.name, type: f.type, length: f.length, options: f.options };
      if (f.type === 'Enum' && f.enum) spec.enumValues = this.view.enums.find((e) => k(e.name) === k(f.enum ?? ''))?.values ?? [];
      fields.push({ field: f, spec, physical: holder.row.physical, alias: holder.alias, column: quoted({ kind: 'column', fieldId: f.id }), isBase });
    }
    const byName = new Map(fields.map((f) => [k(f.field.name), f]));
    const primaryKey = table.primaryKey.map((n) => byName.get(k(n))).filter((f): f is LayoutField => f !== undefined);
    const layout: TableLayout = { table, companyId, companyName: company.name, where, base, companions, fields, byName, primaryKey };
    this.layouts.set(cacheKey, layout);
    return layout;
  }

  /** Companies are fixed when the tenant is created, so one read serves the store's life (names match as the
   *  column's COLLATE NOCASE does: ASCII letters only). */
  private company(name: string): CompanyRow | undefined {
    this.companies ??= new Map(this.repo.companies().map((c) => [asciiLower(c.name), c]));
    return this.companies.get(asciiLower(name));
  }

  private field(l: TableLayout, name: string): LayoutField {
    const f = l.byName.get(k(name));
    if (!f) throw new TenantryError('RECORD_INVALID', `${l.where}: there is no field "${name}"`, { table: l.table.name, field: name });
    return f;
  }

  /** Input values by field name (case-insensitive) -> canonical names; unknown names are refused. */
  private normalize(l: TableLayout, values: RecordValues): RecordValues {
    const out: RecordValues = {};
    for (const [name, v] of Object.entries(values)) out[this.field(l, name).field.name] = v;
    return out;
  }

  private runSubscribers(l: TableLayout, event: Event, stages: readonly string[], record: RecordValues, onSet?: (field: string, v: JsonValue) => void): void {
    const subs = this.repo.subscribersFor(event, l.table.name).filter((s) => stages.includes(s.stage));
    for (const s of subs) this.runSubscriber(l, s, record, onSet);
  }

  private runSubscriber(l: TableLayout, s: SubscriberRow, record: RecordValues, onSet?: (field: string, v: JsonValue) => void): void {
    if (!s.action) return;
    const action = JSON.parse(s.action) as { op: string; field?: string; value?: JsonValue; message?: string };
    if (action.op === 'setField' && action.field !== undefined) {
      const f = l.byName.get(k(action.field));
      if (!f) return; // the field is not in this tenant's view (its extension is not installed)
      record[f.field.name] = action.value ?? null;
      onSet?.(f.field.name, action.value ?? null);
    } else if (action.op === 'requireField' && action.field !== undefined) {
      const f = l.byName.get(k(action.field));
      if (!f) return;
      if (isBlank(f.field.type, record[f.field.name])) {
        const why = action.message ?? `field "${f.field.name}" must not be blank`;
        throw new TenantryError('RECORD_INVALID', `${l.where}: ${why} (subscriber "${s.name}" of codeunit "${s.codeunit}" in "${s.app_name}")`, {
          table: l.table.name,
          field: f.field.name,
          subscriber: s.name,
          appId: s.app_id,
        });
      }
    }
  }

  private stored(l: TableLayout, values: RecordValues): Map<LayoutField, SqlValue> {
    const out = new Map<LayoutField, SqlValue>();
    for (const [name, v] of Object.entries(values)) {
      const f = this.field(l, name);
      out.set(f, toStored(f.spec, v, l.where));
    }
    return out;
  }

  private checkNotBlank(l: TableLayout, record: RecordValues): void {
    for (const f of l.fields) {
      if (f.field.properties.notBlank && isBlank(f.field.type, record[f.field.name])) {
        throw new TenantryError('RECORD_INVALID', `${l.where}: field "${f.field.name}" must not be blank`, { table: l.table.name, field: f.field.name });
      }
    }
  }

  private ridByKey(l: TableLayout, key: Map<LayoutField, SqlValue>): number | undefined {
    if (l.primaryKey.length === 0) return undefined;
    const where = l.primaryKey.map((f) => `${f.column} = ?`).join(' AND ');
    const params = l.primaryKey.map((f) => key.get(f) ?? blankStored(f.field.type));
    const r = this.s.stmt(`SELECT ${RID} AS rid FROM ${quoted(l.base.physical)} WHERE ${where}`).get(...params) as { rid: number } | undefined;
    return r?.rid;
  }

  private describeKey(l: TableLayout, key: Map<LayoutField, SqlValue>): string {
    return l.primaryKey.map((f) => `${f.field.name}=${JSON.stringify(key.get(f) ?? blankStored(f.field.type))}`).join(', ');
  }

  /** Finds a row by its primary key values (by field name); RECORD_NOT_FOUND names the key. */
  findRid(l: TableLayout, keyValues: RecordValues): number {
    const normalized = this.normalize(l, keyValues);
    for (const name of Object.keys(normalized)) {
      if (!l.primaryKey.some((f) => f.field.name === name)) {
        throw new TenantryError(
          'BAD_INPUT',
          `${l.where}: "${name}" is not a primary key field; the key is ${l.primaryKey.map((f) => `"${f.field.name}"`).join(', ')}`,
          { field: name },
        );
      }
    }
    const key = this.stored(l, normalized);
    const rid = this.ridByKey(l, key);
    if (rid === undefined)
      throw new TenantryError('RECORD_NOT_FOUND', `${l.where}: no record with ${this.describeKey(l, key)}`, { table: l.table.name, key: keyValues });
    return rid;
  }

  readByRid(l: TableLayout, rid: number): RecordValues {
    const r = this.s.stmt(`${this.selectSql(l)} WHERE b.${RID} = ?`).get(rid) as Record<string, unknown> | undefined;
    if (!r) throw new TenantryError('RECORD_NOT_FOUND', `${l.where}: no record with row id ${rid}`, { rid });
    return this.toRecord(l, r);
  }

  private selectSql(l: TableLayout): string {
    const cols = [`b.${RID} AS ${RID}`, ...l.fields.map((f, i) => `${f.alias}.${f.column} AS "v${i}"`)];
    const joins = l.companions.map((c) => `LEFT JOIN ${quoted(c.row.physical)} ${c.alias} ON ${c.alias}.${RID} = b.${RID}`);
    return `SELECT ${cols.join(', ')} FROM ${quoted(l.base.physical)} b ${joins.join(' ')}`;
  }

  private toRecord(l: TableLayout, r: Record<string, unknown>): RecordValues {
    const out: RecordValues = {};
    l.fields.forEach((f, i) => {
      out[f.field.name] = fromStored(f.field.type, r[`v${i}`]);
    });
    return out;
  }

  /** Writes stored values of one row: base columns by UPDATE, companion columns by upsert. */
  private writeColumns(l: TableLayout, rid: number, values: Map<LayoutField, SqlValue>, isInsert: boolean): number {
    const byPhysical = new Map<string, [LayoutField, SqlValue][]>();
    for (const [f, v] of values) {
      let list = byPhysical.get(f.physical);
      if (!list) byPhysical.set(f.physical, (list = []));
      list.push([f, v]);
    }
    if (isInsert) {
      const baseVals = byPhysical.get(l.base.physical) ?? [];
      const cols = [RID, ...baseVals.map(([f]) => f.column)];
      const sql = `INSERT INTO ${quoted(l.base.physical)} (${cols.slice(1).join(', ') || RID}) VALUES (${baseVals.length ? baseVals.map(() => '?').join(', ') : 'NULL'}) RETURNING ${RID} AS rid`;
      const r = this.s.stmt(sql).get(...baseVals.map(([, v]) => v)) as { rid: number };
      rid = r.rid;
      this.repo.addRowCount(l.base.physical, 1);
    } else {
      const baseVals = byPhysical.get(l.base.physical) ?? [];
      if (baseVals.length > 0) {
        this.s
          .stmt(`UPDATE ${quoted(l.base.physical)} SET ${baseVals.map(([f]) => `${f.column} = ?`).join(', ')} WHERE ${RID} = ?`)
          .run(...baseVals.map(([, v]) => v), rid);
      }
    }
    for (const c of l.companions) {
      const vals = byPhysical.get(c.row.physical);
      if (!vals || vals.length === 0) continue;
      if (isInsert && vals.every(([, v]) => v === null)) continue;
      const exists = !isInsert && this.s.stmt(`SELECT 1 FROM ${quoted(c.row.physical)} WHERE ${RID} = ?`).get(rid) !== undefined;
      if (exists) {
        this.s
          .stmt(`UPDATE ${quoted(c.row.physical)} SET ${vals.map(([f]) => `${f.column} = ?`).join(', ')} WHERE ${RID} = ?`)
          .run(...vals.map(([, v]) => v), rid);
      } else {
        this.s
          .stmt(`INSERT INTO ${quoted(c.row.physical)} (${RID}, ${vals.map(([f]) => f.column).join(', ')}) VALUES (?, ${vals.map(() => '?').join(', ')})`)
          .run(rid, ...vals.map(([, v]) => v));
        this.repo.addRowCount(c.row.physical, 1);
      }
    }
    return rid;
  }

  /** Inserts one record. `readBack: false` (bulk loads) skips reading the stored record back; `record` is then the
   *  values as written before post-operation subscribers. */
  insert(
    l: TableLayout,
    values: RecordValues,
    opts: { fireEvents?: boolean; skipExisting?: boolean; readBack?: boolean } = {},
  ): { rid: number; record: RecordValues } | null {
    const fire = opts.fireEvents ?? true;
    const record = this.normalize(l, values);
    // Fields not given: their initValue, else blank.
    for (const f of l.fields) {
      if (record[f.field.name] === undefined && f.field.properties.initValue !== undefined) record[f.field.name] = f.field.properties.initValue;
    }
    if (fire) this.runSubscribers(l, 'record.inserted', ['pre-validation', 'pre-operation'], record);
    const stored = this.stored(l, record);
    for (const f of l.primaryKey) if (!stored.has(f) || stored.get(f) === null) stored.set(f, blankStored(f.field.type));
    const full: RecordValues = {};
    for (const f of l.fields) full[f.field.name] = fromStored(f.field.type, stored.get(f) ?? null);
    this.checkNotBlank(l, full);
    if (this.ridByKey(l, stored) !== undefined) {
      if (opts.skipExisting) return null;
      throw new TenantryError('RECORD_EXISTS', `${l.where}: a record with ${this.describeKey(l, stored)} already exists`, {
        table: l.table.name,
        company: l.companyName,
      });
    }
    const rid = this.writeColumns(l, 0, stored, true);
    if (fire) this.runPost(l, 'record.inserted', rid);
    return { rid, record: opts.readBack === false ? full : this.readByRid(l, rid) };
  }

  /**
   * Bulk load of a package's table data (install): each row is validated exactly as insert() validates it (unknown
   * fields, types, initValue, blank key fields, notBlank; same codes and messages), an existing key is skipped, no
   * event fires and nothing is read back. Rows go through one prepared `INSERT ... ON CONFLICT DO NOTHING` per column
   * set (the unique key index decides, as ridByKey would), and the row counter is updated once. A row with values
   * for extension fields (companion tables) takes insert(). Returns the number of rows inserted.
   */
  loadRows(l: TableLayout, rows: readonly RecordValues[]): number {
    const notBlank = l.fields.filter((f) => f.field.properties.notBlank);
    const withInit = l.fields.filter((f) => f.field.properties.initValue !== undefined);
    let inserted = 0;
    let viaInsert = 0;
    // Table data rows usually all give the same fields: one statement, looked up again only when the set changes.
    let lastKey: string | undefined;
    let stmt: Database.Statement | undefined;
    for (const values of rows) {
      const record = this.normalize(l, values);
      for (const f of withInit) {
        const init = f.field.properties.initValue;
        if (record[f.field.name] === undefined && init !== undefined) record[f.field.name] = init;
      }
      const stored = this.stored(l, record);
      for (const f of l.primaryKey) if (!stored.has(f) || stored.get(f) === null) stored.set(f, blankStored(f.field.type));
      for (const f of notBlank) {
        if (isBlank(f.field.type, fromStored(f.field.type, stored.get(f) ?? null))) {
          throw new TenantryError('RECORD_INVALID', `${l.where}: field "${f.field.name}" must not be blank`, { table: l.table.name, field: f.field.name });
        }
      }
      let key = '';
      let companion = false;
      const params: SqlValue[] = [];
      for (const [f, v] of stored) {
        if (!f.isBase) {
          if (v !== null) companion = true;
          continue;
        }
        key += key === '' ? f.column : `, ${f.column}`;
        params.push(v);
      }
      if (companion) {
        // Extension fields live in companion tables keyed by the base row: the record API writes both.
        if (this.insert(l, values, { fireEvents: false, skipExisting: true, readBack: false })) viaInsert++;
        continue;
      }
      if (stmt === undefined || key !== lastKey) {
        const table = quoted(l.base.physical);
        stmt = this.s.stmt(
          key === ''
            ? `INSERT INTO ${table} (${RID}) VALUES (NULL) ON CONFLICT DO NOTHING`
            : `INSERT INTO ${table} (${key}) VALUES (${params.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
        );
        lastKey = key;
      }
      inserted += stmt.run(params).changes;
    }
    // insert() counted its own rows.
    this.repo.addRowCount(l.base.physical, inserted);
    return inserted + viaInsert;
  }

  private runPost(l: TableLayout, event: Event, rid: number): void {
    const subs = this.repo.subscribersFor(event, l.table.name).filter((s) => s.stage === 'post-operation');
    if (subs.length === 0) return;
    const record = this.readByRid(l, rid);
    const changed: RecordValues = {};
    for (const s of subs) this.runSubscriber(l, s, record, (field, v) => (changed[field] = v));
    if (Object.keys(changed).length > 0) this.writeColumns(l, rid, this.stored(l, changed), false);
  }

  modify(l: TableLayout, keyValues: RecordValues, changes: RecordValues, opts: { fireEvents?: boolean } = {}): { rid: number; record: RecordValues } {
    const fire = opts.fireEvents ?? true;
    const rid = this.findRid(l, keyValues);
    return { rid, record: this.modifyByRid(l, rid, changes, fire) };
  }

  modifyByRid(l: TableLayout, rid: number, changes: RecordValues, fire: boolean): RecordValues {
    const current = this.readByRid(l, rid);
    const normalized = this.normalize(l, changes);
    const record = { ...current, ...normalized };
    const touched = new Set(Object.keys(normalized));
    if (fire) this.runSubscribers(l, 'record.modified', ['pre-validation', 'pre-operation'], record, (f) => touched.add(f));
    const toWrite: RecordValues = {};
    for (const name of touched) toWrite[name] = record[name] ?? null;
    const stored = this.stored(l, toWrite);
    this.checkNotBlank(l, record);
    const keyChanged = l.primaryKey.some((f) => stored.has(f));
    if (keyChanged) {
      const newKey = new Map<LayoutField, SqlValue>();
      for (const f of l.primaryKey)
        newKey.set(f, stored.has(f) ? (stored.get(f) ?? blankStored(f.field.type)) : toStored(f.spec, current[f.field.name], l.where));
      const other = this.ridByKey(l, newKey);
      if (other !== undefined && other !== rid)
        throw new TenantryError('RECORD_EXISTS', `${l.where}: a record with ${this.describeKey(l, newKey)} already exists`, { table: l.table.name });
      for (const f of l.primaryKey) if (stored.get(f) === null) stored.set(f, blankStored(f.field.type));
    }
    this.writeColumns(l, rid, stored, false);
    if (fire) this.runPost(l, 'record.modified', rid);
    return this.readByRid(l, rid);
  }

  delete(l: TableLayout, keyValues: RecordValues, opts: { fireEvents?: boolean } = {}): number {
    const rid = this.findRid(l, keyValues);
    this.deleteByRid(l, rid, opts.fireEvents ?? true);
    return rid;
  }

  deleteByRid(l: TableLayout, rid: number, fire: boolean): void {
    if (fire) {
      const record = this.readByRid(l, rid);
      this.runSubscribers(l, 'record.deleted', ['pre-validation', 'pre-operation'], record);
    }
    for (const c of l.companions) {
      const n = this.s.stmt(`DELETE FROM ${quoted(c.row.physical)} WHERE ${RID} = ?`).run(rid).changes;
      this.repo.addRowCount(c.row.physical, -n);
    }
    const n = this.s.stmt(`DELETE FROM ${quoted(l.base.physical)} WHERE ${RID} = ?`).run(rid).changes;
    this.repo.addRowCount(l.base.physical, -n);
  }

  /** SQL of a page query (exported for query-plan tests). */
  pageSql(l: TableLayout, orderBy?: string, descending = false): string {
    let order = `b.${RID}`;
    if (orderBy !== undefined) {
      const f = this.field(l, orderBy);
      order = `${f.alias}.${f.column}`;
    }
    const dir = descending ? 'DESC' : 'ASC';
    return `${this.selectSql(l)} ORDER BY ${order} ${dir}${order === `b.${RID}` ? '' : `, b.${RID} ${dir}`} LIMIT ? OFFSET ?`;
  }

  page(
    l: TableLayout,
    opts: { offset: number; limit: number; orderBy?: string | undefined; descending?: boolean },
  ): { rows: (RecordValues & { _rid: number })[]; total: number } {
    const rows = this.s.stmt(this.pageSql(l, opts.orderBy, opts.descending)).all(opts.limit, opts.offset) as Record<string, unknown>[];
    const total = this.repo.schemaRow(l.base.physical)?.row_count ?? 0;
    return { rows: rows.map((r) => ({ ...this.toRecord(l, r), _rid: Number(r['_rid']) })), total };
  }

  /** Every row id of a table (upgrade steps walk them). */
  allRids(l: TableLayout): number[] {
    return (this.s.stmt(`SELECT ${RID} AS rid FROM ${quoted(l.base.physical)} ORDER BY ${RID}`).all() as { rid: number }[]).map((r) => r.rid);
  }
}
