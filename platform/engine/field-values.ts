// Field values: how each field type is validated, stored in SQLite and read back as JSON.
// Code/Text/Guid/Date/DateTime/Time/Option/Enum are stored as TEXT, Integer/BigInteger/Boolean as INTEGER,
// Decimal as REAL. A NULL column (a row inserted before a field existed) reads as the type's blank value.
import { TenantryError } from '../../shared/api/errors.js';
import type { JsonValue } from '../../shared/api/operations.js';
import type { FieldType } from '../../shared/domain/objects.js';
import { GUID_PATTERN } from '../../shared/domain/manifest.js';

export type SqlValue = string | number | bigint | null;

export interface FieldSpec {
  id: number;
  name: string;
  type: FieldType | string;
  length?: number | undefined;
  options?: readonly string[] | undefined;
  /** For Enum fields: the value names allowed (already merged with enum extensions). */
  enumValues?: readonly { id: number; name: string }[] | undefined;
}

export function sqlType(type: string): 'TEXT' | 'INTEGER' | 'REAL' {
  switch (type) {
    case 'Integer':
    case 'BigInteger':
    case 'Boolean':
      return 'INTEGER';
    case 'Decimal':
      return 'REAL';
    default:
      return 'TEXT';
  }
}

export function blankValue(type: string): JsonValue {
  switch (type) {
    case 'Integer':
    case 'BigInteger':
    case 'Decimal':
      return 0;
    case 'Boolean':
      return false;
    case 'Guid':
      return '00000000-0000-0000-0000-000000000000';
    default:
      return '';
  }
}

/** The blank value in storage form (for primary key fields that were not given). */
export function blankStored(type: string): SqlValue {
  const b = blankValue(type);
  return typeof b === 'boolean' ? (b ? 1 : 0) : b;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{1,3})?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

// A module-level function, not a closure per call: toStored runs for every value of a bulk load.
function invalid(field: FieldSpec, value: JsonValue, where: string, why: string): never {
  throw new TenantryError('RECORD_INVALID', `${where}: field "${field.name}" ${why}`, { field: field.name, fieldId: field.id, value });
}

/**
 * Validates a value for a field and returns its storage form. `where` names the record for messages,
 * e.g. `table "Customer"`. Throws RECORD_INVALID naming the field.
 */
export function toStored(field: FieldSpec, value: JsonValue | undefined, where: string): SqlValue {
  if (value === undefined || value === null) return null;
  switch (field.type) {
    case 'Code':
    case 'Text': {
      if (typeof value !== 'string') return invalid(field, value, where, `must be a string (${field.type}[${field.length ?? '?'}])`);
      if (/[\u0000]/.test(value)) return invalid(field, value, where, 'must not contain NUL characters');
      if (field.length !== undefined && value.length > field.length)
        return invalid(field, value, where, `is ${value.length} characters long; at most ${field.length} fit in ${field.type}[${field.length}]`);
      // NAV stores Code values upper-case and without surrounding spaces.
      return field.type === 'Code' ? value.trim().toUpperCase() : value;
    }
    case 'Integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -2147483648 || value > 2147483647)
        return invalid(field, value, where, 'must be a whole number between -2147483648 and 2147483647');
      return value;
    case 'BigInteger':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return invalid(field, value, where, 'must be a whole number (safe integer)');
      return value;
    case 'Decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(field, value, where, 'must be a finite number');
      return value;
    case 'Boolean':
      if (typeof value !== 'boolean') return invalid(field, value, where, 'must be true or false');
      return value ? 1 : 0;
    case 'Date':
      if (typeof value !== 'string' || (value !== '' && !validDate(value))) return invalid(field, value, where, 'must be a date as YYYY-MM-DD');
      return value;
    case 'DateTime':
      if (typeof value !== 'string' || (value !== '' && (!DATETIME.test(value) || Number.isNaN(Date.parse(value)))))
        return invalid(field, value, where, 'must be an ISO 8601 date-time with a time zone, e.g. 2024-01-31T12:00:00Z');
      return value === '' ? '' : new Date(value).toISOString();
    case 'Time':
      if (typeof value !== 'string' || (value !== '' && !TIME.test(value))) return invalid(field, value, where, 'must be a time as HH:MM:SS');
      return value;
    case 'Guid':
      if (typeof value !== 'string' || !GUID_PATTERN.test(value)) return invalid(field, value, where, 'must be a GUID');
      return value.toLowerCase();
    case 'Option': {
      const opts = field.options ?? [];
      if (typeof value === 'number') {
        const o = opts[value];
        if (!Number.isInteger(value) || o === undefined) return invalid(field, value, where, `must be one of ${opts.map((x) => `"${x}"`).join(', ')}`);
        return o;
      }
      const found = opts.find((o) => o.toLowerCase() === String(value).toLowerCase());
      if (found === undefined) return invalid(field, value, where, `must be one of ${opts.map((x) => `"${x}"`).join(', ')}`);
      return found;
    }
    case 'Enum': {
      const vals = field.enumValues ?? [];
      const found = typeof value === 'number' ? vals.find((v) => v.id === value) : vals.find((v) => v.name.toLowerCase() === String(value).toLowerCase());
      if (!found) return invalid(field, value, where, `must be one of ${vals.map((v) => `"${v.name}"`).join(', ')}`);
      return found.name;
    }
    default:
      return invalid(field, value, where, `has an unknown type ${field.type}`);
  }
}

/** Storage form back to JSON; NULL reads as the blank value of the type. */
export function fromStored(type: string, v: unknown): JsonValue {
  if (v === null || v === undefined) return blankValue(type);
  if (type === 'Boolean') return v === 1 || v === 1n || v === true;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number') return v;
  return String(v);
}

/** Is the value blank for its type (what requireField and notBlank check)? */
export function isBlank(type: string, v: JsonValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  const b = blankValue(type);
  return v === b || (typeof v === 'string' && v.trim() === '');
}
