// From the files of a package (or of a source folder) to an AppDefinition: which files may exist, JSON
// parsing, schema validation of app.json, objects and table data, and the checks a package can make on its
// own (object and field ids inside idRanges, duplicate objects, table data for tables it does not have).
// Every error names the file, the object and the field at fault.
import { z } from 'zod';
import { TenantryError, type ErrorCode } from '../../shared/api/errors.js';
import { AppDefinitionSchema, type AppDefinition } from '../../shared/domain/app-definition.js';
import { ManifestSchema, inIdRanges, type IdRange, type Manifest } from '../../shared/domain/manifest.js';
import { AppObjectSchema, TableDataSchema, type AppObject, type Field, type TableData } from '../../shared/domain/objects.js';
import { issueTexts, summarizeIssues } from './issues.js';
import { MAX_JSON_DEPTH } from './limits.js';
import { SIGNATURE_FILE } from './signature.js';
import { JsonSyntaxError, parseStrictJson } from './strict-json.js';

export interface ContentFile {
  name: string;
  data: Uint8Array;
}

/** How messages name a file: `Foo.app: objects/tables.json` for a package, a path for a source folder. */
export interface Locator {
  /** The package or folder as a whole. */
  whole: string;
  file(name: string): string;
}

export const MANIFEST_FILE = 'app.json';
export const README_FILE = 'README.md';
export const OBJECTS_FOLDER = 'objects/';
export const DATA_FOLDER = 'data/';
/** Extensions of the asset files (logo, screenshots) a manifest may list. */
export const ASSET_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.gif'];

const MAX_OBJECTS = 5000;
const MAX_TABLE_DATA = 500;
const MAX_ISSUES_IN_DETAILS = 20;

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Where an object came from, for messages: `objects/tables.json: object 2 (table "Foo")`. */
interface Origin {
  file: string;
  text: string;
}

/**
 * Reads and checks the files of a package. `signature.json` is tolerated (it is verified elsewhere) when
 * `allowSignature` is set. Throws TenantryError (PACKAGE_INVALID, MANIFEST_INVALID, OBJECT_INVALID,
 * ID_OUT_OF_RANGE, ID_COLLISION).
 */
export function definitionFromFiles(files: readonly ContentFile[], at: Locator, allowSignature: boolean): AppDefinition {
  let manifestFile: ContentFile | undefined;
  const objectFiles: ContentFile[] = [];
  const dataFiles: ContentFile[] = [];
  const others: ContentFile[] = [];
  for (const f of files) {
    if (f.name === MANIFEST_FILE) manifestFile = f;
    else if (f.name === README_FILE || (allowSignature && f.name === SIGNATURE_FILE)) continue;
    else if (f.name.startsWith(OBJECTS_FOLDER) || f.name.startsWith(DATA_FOLDER)) {
      if (!f.name.endsWith('.json')) {
        fail(
          'PACKAGE_INVALID',
          `${at.file(f.name)}: only .json files are allowed under ${f.name.startsWith(OBJECTS_FOLDER) ? OBJECTS_FOLDER : DATA_FOLDER}`,
          f.name,
        );
      }
      (f.name.startsWith(OBJECTS_FOLDER) ? objectFiles : dataFiles).push(f);
    } else others.push(f);
  }
  if (!manifestFile) fail('PACKAGE_INVALID', `${at.whole}: ${MANIFEST_FILE} is missing (every package needs a manifest at its root)`, MANIFEST_FILE);

  const manifest = readManifest(manifestFile, at);
  checkAssets(manifest, others, at);

  const objects: AppObject[] = [];
  const origins: Origin[] = [];
  for (const f of [...objectFiles].sort((a, b) => byUtf8(a.name, b.name))) {
    const value = readJson(f, at, 'OBJECT_INVALID');
    const items = Array.isArray(value) ? value : [value];
    if (items.length + objects.length > MAX_OBJECTS)
      fail('OBJECT_INVALID', `${at.file(f.name)}: the package declares more than ${MAX_OBJECTS} objects`, f.name);
    items.forEach((raw, k) => {
      const text = `object ${k + 1}${describeRaw(raw)}`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        fail('OBJECT_INVALID', `${at.file(f.name)}: ${text}: must be a JSON object (a file holds one object or an array of objects)`, f.name);
      }
      const parsed = AppObjectSchema.safeParse(raw);
      if (!parsed.success) schemaFail('OBJECT_INVALID', `${at.file(f.name)}: ${text}`, f.name, parsed.error.issues);
      objects.push(parsed.data!);
      origins.push({ file: f.name, text: `${at.file(f.name)}: ${text}` });
    });
  }

  const tableData: TableData[] = [];
  const dataOrigins: string[] = [];
  const sortedData = [...dataFiles].sort((a, b) => byUtf8(a.name, b.name));
  if (sortedData.length > MAX_TABLE_DATA) fail('OBJECT_INVALID', `${at.whole}: more than ${MAX_TABLE_DATA} table data files`);
  for (const f of sortedData) {
    const parsed = TableDataSchema.safeParse(readJson(f, at, 'OBJECT_INVALID'));
    if (!parsed.success) schemaFail('OBJECT_INVALID', at.file(f.name), f.name, parsed.error.issues);
    tableData.push(parsed.data!);
    dataOrigins.push(f.name);
  }

  const definition: AppDefinition = { manifest, objects, tableData };
  checkDefinition(definition, origins, dataOrigins, at);
  // The definition was assembled from parsed parts; this confirms it is exactly what the schema describes.
  const whole = AppDefinitionSchema.safeParse(definition);
  if (!whole.success) schemaFail('OBJECT_INVALID', at.whole, undefined, whole.error.issues);
  return definition;
}

function fail(code: ErrorCode, message: string, entry?: string, extra: Record<string, unknown> = {}): never {
  throw new TenantryError(code, message, { ...(entry === undefined ? {} : { entry }), ...extra });
}

function schemaFail(code: ErrorCode, where: string, entry: string | undefined, issues: readonly z.core.$ZodIssue[]): never {
  const texts = issueTexts(issues);
  return fail(code, `${where}: ${summarizeIssues(texts)}`, entry, { issues: texts.slice(0, MAX_ISSUES_IN_DETAILS) });
}

function describeRaw(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return '';
  const r = raw as Record<string, unknown>;
  const type = typeof r.type === 'string' ? r.type.slice(0, 40) : undefined;
  const name = typeof r.name === 'string' ? r.name.slice(0, 80) : undefined;
  if (type === undefined && name === undefined) return '';
  return ` (${[type, name === undefined ? undefined : JSON.stringify(name)].filter((x) => x !== undefined).join(' ')})`;
}

function readJson(f: ContentFile, at: Locator, code: ErrorCode): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(f.data);
  } catch {
    return fail(code, `${at.file(f.name)}: not valid UTF-8 text`, f.name);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return parseStrictJson(text, MAX_JSON_DEPTH);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return fail(code, `${at.file(f.name)}: invalid JSON: ${e.message}`, f.name, { line: e.line, column: e.column });
    throw e;
  }
}

function readManifest(f: ContentFile, at: Locator): Manifest {
  const raw = readJson(f, at, 'MANIFEST_INVALID');
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) schemaFail('MANIFEST_INVALID', at.file(f.name), f.name, parsed.error.issues);
  return parsed.data!;
}

/** Files other than app.json, README.md, objects/ and data/ must be a logo or screenshot the manifest lists. */
function checkAssets(manifest: Manifest, others: readonly ContentFile[], at: Locator): void {
  const listed = new Map<string, string>();
  if (manifest.logo !== undefined) listed.set(manifest.logo, 'logo');
  (manifest.screenshots ?? []).forEach((s, i) => listed.set(s, `screenshots[${i}]`));
  const present = new Set(others.map((f) => f.name));
  for (const f of others) {
    if (!listed.has(f.name)) {
      fail(
        'PACKAGE_INVALID',
        `${at.file(f.name)}: unknown file; a package holds only app.json, README.md, signature.json, objects/*.json, data/*.json and the logo and screenshots its manifest lists`,
        f.name,
      );
    }
  }
  for (const [name, field] of listed) {
    if (!ASSET_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) {
      fail('MANIFEST_INVALID', `${at.file(MANIFEST_FILE)}: ${field}: "${name}" must be an image file (${ASSET_EXTENSIONS.join(', ')})`, MANIFEST_FILE);
    }
    if (!present.has(name)) fail('MANIFEST_INVALID', `${at.file(MANIFEST_FILE)}: ${field}: "${name}" is not in the package`, MANIFEST_FILE);
  }
}

const TYPE_WORDS: Record<AppObject['type'], string> = {
  table: 'table',
  tableextension: 'table extension',
  page: 'page',
  pageextension: 'page extension',
  enum: 'enum',
  enumextension: 'enum extension',
  permissionset: 'permission set',
  codeunit: 'codeunit',
};

function rangesText(ranges: readonly IdRange[]): string {
  return ranges.map((r) => `${r.from}..${r.to}`).join(', ');
}

/** The checks a package can make without the application: ids in idRanges, no duplicates, data for known tables. */
function checkDefinition(def: AppDefinition, origins: readonly Origin[], dataOrigins: readonly string[], at: Locator): void {
  const ranges = def.manifest.idRanges;
  const rangeText = rangesText(ranges);

  // Object ids, and the field ids the package adds (its own tables' and its table extensions'), in idRanges.
  def.objects.forEach((o, k) => {
    const origin = origins[k]!;
    if (!inIdRanges(o.id, ranges)) {
      fail('ID_OUT_OF_RANGE', `${origin.text}: ${TYPE_WORDS[o.type]} id ${o.id} is outside the idRanges of the manifest (${rangeText})`, origin.file, {
        objectType: o.type,
        object: o.name,
        id: o.id,
      });
    }
    if (o.type === 'tableextension') {
      o.fields.forEach((f, i) => {
        if (!inIdRanges(f.id, ranges)) {
          fail(
            'ID_OUT_OF_RANGE',
            `${origin.text}: fields[${i}] "${f.name}": field id ${f.id} is outside the idRanges of the manifest (${rangeText})`,
            origin.file,
            {
              objectType: o.type,
              object: o.name,
              field: f.name,
              id: f.id,
            },
          );
        }
      });
    }
    if (o.type === 'enumextension') {
      o.values.forEach((v, i) => {
        if (!inIdRanges(v.id, ranges)) {
          fail(
            'ID_OUT_OF_RANGE',
            `${origin.text}: values[${i}] "${v.name}": enum value id ${v.id} is outside the idRanges of the manifest (${rangeText})`,
            origin.file,
            {
              objectType: o.type,
              object: o.name,
              value: v.name,
              id: v.id,
            },
          );
        }
      });
    }
  });

  // No two objects of one type share an id or a name (names compare case-insensitively, as in NAV).
  const byId = new Map<string, number>();
  const byName = new Map<string, number>();
  def.objects.forEach((o, k) => {
    const origin = origins[k]!;
    const idKey = `${o.type}:${o.id}`;
    const nameKey = `${o.type}:${o.name.toLowerCase()}`;
    const sameId = byId.get(idKey);
    if (sameId !== undefined) {
      fail('ID_COLLISION', `${origin.text}: ${TYPE_WORDS[o.type]} id ${o.id} is already used by ${origins[sameId]!.text}`, origin.file, {
        objectType: o.type,
        id: o.id,
      });
    }
    const sameName = byName.get(nameKey);
    if (sameName !== undefined) {
      fail('ID_COLLISION', `${origin.text}: ${TYPE_WORDS[o.type]} name "${o.name}" is already used by ${origins[sameName]!.text}`, origin.file, {
        objectType: o.type,
        object: o.name,
      });
    }
    byId.set(idKey, k);
    byName.set(nameKey, k);
  });

  // No field id or name added twice to one table by this package (its own table plus its table extensions).
  const fieldsByTable = new Map<string, { field: Field; origin: Origin }[]>();
  def.objects.forEach((o, k) => {
    if (o.type !== 'table' && o.type !== 'tableextension') return;
    const table = (o.type === 'table' ? o.name : o.extends).toLowerCase();
    const list = fieldsByTable.get(table) ?? [];
    for (const field of o.fields) {
      const clash = list.find((x) => x.field.id === field.id || x.field.name.toLowerCase() === field.name.toLowerCase());
      if (clash) {
        const what = clash.field.id === field.id ? `field id ${field.id}` : `field name "${field.name}"`;
        fail(
          'ID_COLLISION',
          `${origins[k]!.text}: field "${field.name}" reuses ${what} of field "${clash.field.name}" in ${clash.origin.text} (same table "${o.type === 'table' ? o.name : o.extends}")`,
          origins[k]!.file,
          {
            field: field.name,
            id: field.id,
          },
        );
      }
      list.push({ field, origin: origins[k]! });
    }
    fieldsByTable.set(table, list);
  });

  // Table data only for tables the package declares or extends; rows of own tables use only their fields.
  const ownTables = new Map<string, Set<string>>();
  const extended = new Set<string>();
  for (const o of def.objects) {
    if (o.type === 'table') ownTables.set(o.name.toLowerCase(), new Set(o.fields.map((f) => f.name.toLowerCase())));
    if (o.type === 'tableextension') extended.add(o.extends.toLowerCase());
  }
  for (const o of def.objects) {
    if (o.type === 'tableextension') for (const f of o.fields) ownTables.get(o.extends.toLowerCase())?.add(f.name.toLowerCase());
  }
  const dataSeen = new Map<string, string>();
  def.tableData.forEach((d, k) => {
    const file = dataOrigins[k]!;
    const key = d.table.toLowerCase();
    const first = dataSeen.get(key);
    if (first !== undefined) fail('OBJECT_INVALID', `${at.file(file)}: table "${d.table}" already has data in ${first}`, file, { table: d.table });
    dataSeen.set(key, file);
    const fields = ownTables.get(key);
    if (!fields && !extended.has(key)) {
      fail('OBJECT_INVALID', `${at.file(file)}: data for table "${d.table}", which this package neither declares nor extends`, file, { table: d.table });
    }
    if (fields) {
      d.rows.forEach((row, r) => {
        for (const col of Object.keys(row)) {
          if (!fields.has(col.toLowerCase())) {
            fail('OBJECT_INVALID', `${at.file(file)}: rows[${r}]: "${col}" is not a field of table "${d.table}"`, file, { table: d.table, field: col, row: r });
          }
        }
      });
    }
  });
}
