// What changes in a tenant's schema between two versions of one extension (what sync does), and which
// changes lose data. Covers the extension's own tables and the fields it adds to other tables, matched
// by table id and field id: a new name with the same id is a rename and keeps the data. Destructive:
// a removed table or field, a type change other than a widening (Integer -> BigInteger, Code -> Text
// of at least the same length), a narrowed length, a changed primary key (rows may no longer be unique,
// as BC's force sync requires). Changes of table names, captions and secondary keys need no schema work
// and are not reported.
import type { AppDefinition } from './app-definition.js';
import type { AppObject, Application, Field, Table } from './objects.js';

export interface SchemaChange {
  kind:
    | 'table-added'
    | 'table-removed'
    | 'field-added'
    | 'field-removed'
    | 'field-type-changed'
    | 'field-length-narrowed'
    | 'field-length-widened'
    | 'field-renamed'
    | 'key-changed';
  table: string;
  tableId: number;
  field?: string;
  fieldId?: number;
  from?: string;
  to?: string;
  destructive: boolean;
  description: string;
}

const key = (s: string): string => s.toLowerCase();

/** The part of the tenant schema one version of an extension owns. */
interface OwnedSchema {
  tables: Map<number, Table>;
  /** Fields added to tables of others, by target table; target id 0 when the table cannot be found. */
  extensionFields: Map<string, { tableId: number; table: string; fields: Map<number, Field> }>;
}

function resolveTable(name: string, lookups: readonly (readonly AppObject[])[]): { id: number; name: string } {
  for (const objs of lookups) {
    for (const o of objs) if (o.type === 'table' && key(o.name) === key(name)) return { id: o.id, name: o.name };
  }
  return { id: 0, name };
}

function ownedSchema(def: AppDefinition | null, application: Application, others: readonly AppDefinition[]): OwnedSchema {
  const out: OwnedSchema = { tables: new Map(), extensionFields: new Map() };
  if (!def) return out;
  const lookups = [application.objects, def.objects, ...others.map((o) => o.objects)];
  for (const o of def.objects) {
    if (o.type === 'table') out.tables.set(o.id, o);
    else if (o.type === 'tableextension') {
      const target = resolveTable(o.extends, lookups);
      const k = target.id === 0 ? `name:${key(o.extends)}` : `id:${target.id}`;
      let entry = out.extensionFields.get(k);
      if (!entry) {
        entry = { tableId: target.id, table: target.name, fields: new Map() };
        out.extensionFields.set(k, entry);
      }
      for (const f of o.fields) entry.fields.set(f.id, f);
    }
  }
  return out;
}

/** "Code[20]", "Enum "Loyalty Tier"", "Decimal": a field's type as people read it. */
export function describeFieldType(f: Pick<Field, 'type' | 'length' | 'enum'>): string {
  if ((f.type === 'Code' || f.type === 'Text') && f.length !== undefined) return `${f.type}[${f.length}]`;
  if (f.type === 'Enum' && f.enum !== undefined) return `Enum "${f.enum}"`;
  return f.type;
}

/** True when values of `from` always fit in `to` unchanged. */
export function isWideningTypeChange(from: Pick<Field, 'type' | 'length'>, to: Pick<Field, 'type' | 'length'>): boolean {
  if (from.type === 'Integer' && to.type === 'BigInteger') return true;
  if (from.type === 'Code' && to.type === 'Text') return (to.length ?? 0) >= (from.length ?? 0);
  return false;
}

function diffFields(table: string, tableId: number, before: Map<number, Field>, after: Map<number, Field>, out: SchemaChange[]): void {
  const where = `table "${table}"`;
  for (const [id, f] of before) {
    const g = after.get(id);
    if (!g) {
      out.push({
        kind: 'field-removed',
        table,
        tableId,
        field: f.name,
        fieldId: id,
        destructive: true,
        description: `field ${id} "${f.name}" is removed from ${where}; its data will be lost`,
      });
      continue;
    }
    if (f.name !== g.name) {
      out.push({
        kind: 'field-renamed',
        table,
        tableId,
        field: g.name,
        fieldId: id,
        from: f.name,
        to: g.name,
        destructive: false,
        description: `field ${id} of ${where} is renamed from "${f.name}" to "${g.name}"; its data is kept`,
      });
    }
    const sameType = f.type === g.type && (f.type !== 'Enum' || key(f.enum ?? '') === key(g.enum ?? ''));
    if (!sameType) {
      const widening = isWideningTypeChange(f, g);
      out.push({
        kind: 'field-type-changed',
        table,
        tableId,
        field: g.name,
        fieldId: id,
        from: describeFieldType(f),
        to: describeFieldType(g),
        destructive: !widening,
        description:
          `field ${id} "${g.name}" of ${where} changes type from ${describeFieldType(f)} to ${describeFieldType(g)}` +
          (widening ? '; every value fits' : '; values that do not convert will be lost'),
      });
    } else if (f.length !== undefined && g.length !== undefined && f.length !== g.length) {
      const narrowed = g.length < f.length;
      out.push({
        kind: narrowed ? 'field-length-narrowed' : 'field-length-widened',
        table,
        tableId,
        field: g.name,
        fieldId: id,
        from: String(f.length),
        to: String(g.length),
        destructive: narrowed,
        description:
          `field ${id} "${g.name}" of ${where} ${narrowed ? 'narrows' : 'widens'} from ${describeFieldType(f)} to ${describeFieldType(g)}` +
          (narrowed ? '; longer values will be lost' : ''),
      });
    }
  }
  for (const [id, g] of after) {
    if (!before.has(id))
      out.push({
        kind: 'field-added',
        table,
        tableId,
        field: g.name,
        fieldId: id,
        destructive: false,
        description: `field ${id} "${g.name}" (${describeFieldType(g)}) is added to ${where}`,
      });
  }
}

const primaryKeyIds = (t: Table): number[] => (t.keys[0]?.fields ?? []).map((n) => t.fields.find((f) => key(f.name) === key(n))?.id ?? -1);

/**
 * The schema changes from version `from` to version `to` of one extension (null: not installed).
 * `others` (optional) are the extension's dependencies, used to find the ids of their tables it extends;
 * a table that cannot be found is matched by name and reported with tableId 0.
 */
export function diffAppSchema(
  from: AppDefinition | null,
  to: AppDefinition | null,
  application: Application,
  others: readonly AppDefinition[] = [],
): SchemaChange[] {
  const a = ownedSchema(from, application, others);
  const b = ownedSchema(to, application, others);
  const out: SchemaChange[] = [];
  for (const [id, t] of a.tables) {
    const u = b.tables.get(id);
    if (!u) {
      out.push({
        kind: 'table-removed',
        table: t.name,
        tableId: id,
        destructive: true,
        description: `table ${id} "${t.name}" is removed; its data will be lost`,
      });
      continue;
    }
    diffFields(u.name, id, new Map(t.fields.map((f) => [f.id, f])), new Map(u.fields.map((f) => [f.id, f])), out);
    const before = primaryKeyIds(t);
    const after = primaryKeyIds(u);
    if (before.join(',') !== after.join(',')) {
      const names = (tt: Table): string => (tt.keys[0]?.fields ?? []).join(', ');
      out.push({
        kind: 'key-changed',
        table: u.name,
        tableId: id,
        from: names(t),
        to: names(u),
        destructive: true,
        description: `the primary key of table ${id} "${u.name}" changes from (${names(t)}) to (${names(u)}); rows that are no longer unique cannot be kept`,
      });
    }
  }
  for (const [id, u] of b.tables) {
    if (!a.tables.has(id))
      out.push({
        kind: 'table-added',
        table: u.name,
        tableId: id,
        destructive: false,
        description: `table ${id} "${u.name}" is added with ${u.fields.length} field(s)`,
      });
  }
  for (const [k, ext] of a.extensionFields) {
    const next = b.extensionFields.get(k);
    diffFields(next?.table ?? ext.table, ext.tableId, ext.fields, next?.fields ?? new Map(), out);
  }
  for (const [k, ext] of b.extensionFields) {
    if (!a.extensionFields.has(k)) diffFields(ext.table, ext.tableId, new Map(), ext.fields, out);
  }
  return out;
}

/** True when applying the changes loses data (sync in "add" mode refuses them). */
export function hasDestructiveChange(changes: readonly SchemaChange[]): boolean {
  return changes.some((c) => c.destructive);
}
