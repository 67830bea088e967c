// The one place that makes and quotes identifiers of generated SQL objects (per-company data tables, companion
// tables of extension fields, archive tables, key indexes, field columns). Nothing else builds SQL names, and
// every name it returns matches a strict pattern, so no user-supplied text ever reaches SQL as an identifier.

export type GeneratedName =
  /** Rows of a table (base application or an extension's own table) for one company; company 0 = per tenant. */
  | { kind: 'table'; companyId: number; tableId: number }
  /** The fields one extension adds to a table it does not own, keyed by the base row's _rid. */
  | { kind: 'companion'; companyId: number; tableId: number; appId: string }
  /** A physical table moved to the data archive (by rename, or a column copy for force sync). */
  | { kind: 'archive'; archiveId: number }
  /** The unique index holding a table's primary key; numbered so a restored archive keeps its own. */
  | { kind: 'key-index'; seq: number }
  /** A field's column. */
  | { kind: 'column'; fieldId: number }
  /** A staging copy used while importing a tenant file (never a table name). */
  | { kind: 'raw-checked'; name: string };

const SAFE = /^[a-z][a-z0-9_]{0,120}$/;

function positiveInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`internal: ${what} must be a non-negative integer, got ${n}`);
  return n;
}

/** The bare (unquoted) name: what the schema registry and archive index store. */
export function generatedName(spec: GeneratedName): string {
  let name: string;
  switch (spec.kind) {
    case 'table':
      name = `c${positiveInt(spec.companyId, 'companyId')}_t${positiveInt(spec.tableId, 'tableId')}`;
      break;
    case 'companion': {
      const app = spec.appId.toLowerCase().replace(/-/g, '');
      if (!/^[0-9a-f]{32}$/.test(app)) throw new Error(`internal: app id "${spec.appId}" is not a GUID`);
      name = `c${positiveInt(spec.companyId, 'companyId')}_t${positiveInt(spec.tableId, 'tableId')}_x${app}`;
      break;
    }
    case 'archive':
      name = `archive_${positiveInt(spec.archiveId, 'archiveId')}`;
      break;
    case 'key-index':
      name = `pk_${positiveInt(spec.seq, 'seq')}`;
      break;
    case 'column':
      name = `f${positiveInt(spec.fieldId, 'fieldId')}`;
      break;
    case 'raw-checked':
      name = spec.name;
      break;
  }
  if (!SAFE.test(name)) throw new Error(`internal: refusing generated identifier "${name}"`);
  return name;
}

/** The quoted identifier, ready for SQL text. Accepts only names this module could have generated. */
export function quoted(spec: GeneratedName | string): string {
  const name = typeof spec === 'string' ? generatedName({ kind: 'raw-checked', name: spec }) : generatedName(spec);
  return `"${name}"`;
}

/** The row id column every data table has (INTEGER PRIMARY KEY AUTOINCREMENT: never reused). */
export const RID = '"_rid"';
