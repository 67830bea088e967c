// Source folders: what a developer edits (app.json, objects/, data/, optionally README.md and the manifest's
// logo and screenshots). Reading one applies the package checks, with errors naming the file on disk;
// packing zips the files as they are; newSourceFolder scaffolds a small, valid extension to start from.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { TenantryError } from '../../shared/api/errors.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import { GuidSchema, NameSchema, type ManifestInput } from '../../shared/domain/manifest.js';
import type { AppObject, TableData } from '../../shared/domain/objects.js';
import { entryNameKey, entryNameProblem } from './entry-names.js';
import { DEFAULT_LIMITS, type PackageLimits } from './limits.js';
import { MANIFEST_FILE, definitionFromFiles, type ContentFile, type Locator } from './package-contents.js';
import type { SigningKey } from './signature.js';
import { packFiles } from './write-package.js';

function folderLocator(dir: string): Locator {
  return { whole: dir, file: (name) => path.join(dir, ...name.split('/')) };
}

/**
 * The files of a source folder, '/'-separated and sorted (app.json first). Hidden files and folders
 * (".git", ".vscode", ...) and *.app files at the top level (build output) are left out; links and
 * special files are refused, and so are unsafe names and sizes over the package limits.
 */
function collectSourceFiles(dir: string, limits: PackageLimits = DEFAULT_LIMITS): ContentFile[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new TenantryError('NOT_FOUND', `${dir}: no such folder`, { path: dir });
  }
  if (!st.isDirectory()) throw new TenantryError('BAD_INPUT', `${dir}: not a folder`, { path: dir });
  const files: ContentFile[] = [];
  const keys = new Map<string, string>();
  let total = 0;
  const walk = (rel: string): void => {
    const abs = rel === '' ? dir : path.join(dir, ...rel.split('/'));
    for (const name of fs.readdirSync(abs).sort()) {
      if (name.startsWith('.')) continue;
      const relName = rel === '' ? name : `${rel}/${name}`;
      const full = path.join(abs, name);
      const ls = fs.lstatSync(full);
      if (rel === '' && ls.isFile() && name.toLowerCase().endsWith('.app')) continue;
      const refuse = (message: string, code: 'PACKAGE_INVALID' | 'PACKAGE_TOO_LARGE' = 'PACKAGE_INVALID'): never => {
        throw new TenantryError(code, `${full}: ${message}`, { path: full });
      };
      if (ls.isSymbolicLink()) refuse('is a symbolic link; a source folder may not contain links');
      const problem = entryNameProblem(relName, false);
      if (problem !== undefined) refuse(`unsafe name: ${problem}`);
      const key = entryNameKey(relName);
      const clash = keys.get(key);
      if (clash !== undefined) refuse(`has the same name as ${path.join(dir, clash)} once case and Unicode normalization are folded`);
      keys.set(key, relName);
      if (ls.isDirectory()) {
        walk(relName);
        continue;
      }
      if (!ls.isFile()) refuse('is not a regular file (device, FIFO or socket)');
      if (files.length + 1 > limits.maxEntries) refuse(`the folder holds more than ${limits.maxEntries} files`, 'PACKAGE_TOO_LARGE');
      if (ls.size > limits.maxEntryBytes) refuse(`is ${ls.size} bytes, over the limit of ${limits.maxEntryBytes} per file`, 'PACKAGE_TOO_LARGE');
      total += ls.size;
      if (total > limits.maxTotalBytes) refuse(`the folder's files exceed the limit of ${limits.maxTotalBytes} bytes in total`, 'PACKAGE_TOO_LARGE');
      files.push({ name: relName, data: fs.readFileSync(full) });
    }
  };
  walk('');
  const order = (n: string): string => (n === MANIFEST_FILE ? '' : n);
  return files.sort((a, b) => Buffer.compare(Buffer.from(order(a.name)), Buffer.from(order(b.name))));
}

/** The definition in a source folder, checked as a package would be. Errors name the file on disk. */
export function readSourceFolder(dir: string): AppDefinition {
  return definitionFromFiles(collectSourceFiles(dir), folderLocator(dir), false);
}

/**
 * Checks the folder, then zips its files as they are (signed when a key is given). Writes `outFile`
 * atomically when given (a temporary file renamed into place) and returns its resolved path.
 */
export async function packSourceFolder(dir: string, opts: { signingKey?: SigningKey; outFile?: string } = {}): Promise<{ file?: string; bytes: Buffer }> {
  const files = collectSourceFiles(dir);
  definitionFromFiles(files, folderLocator(dir), false);
  const bytes = packFiles(files, opts.signingKey);
  if (opts.outFile === undefined) return { bytes };
  const file = path.resolve(opts.outFile);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    await fsp.writeFile(tmp, bytes, { flag: 'wx' });
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  return { file, bytes };
}

export interface NewSourceFolderOptions {
  name: string;
  publisher: string;
  /** The extension's GUID; a new random one when absent. */
  id?: string;
  /** First id of the extension's range of 100 ids; 50100 when absent. */
  idRangeFrom?: number;
}

/**
 * Scaffolds a small, valid extension in `dir` (created if missing; refused when not empty): app.json, one
 * table, one list page on it, a permission set, sample rows for the table and a README.
 */
export function newSourceFolder(dir: string, opts: NewSourceFolderOptions): void {
  const bad = (message: string): never => {
    throw new TenantryError('BAD_INPUT', message, { path: dir });
  };
  for (const field of ['name', 'publisher'] as const) {
    const r = NameSchema.safeParse(opts[field]);
    if (!r.success) bad(`${field}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  }
  const id = opts.id ?? crypto.randomUUID();
  if (!GuidSchema.safeParse(id).success) bad(`id: "${id}" must be a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301`);
  const from = opts.idRangeFrom ?? 50100;
  if (!Number.isInteger(from) || from < 1 || from + 99 > 1_999_999_999) bad(`idRangeFrom: ${from} must be an integer from 1 to 1999999900`);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) bad(`${dir}: exists and is not a folder`);
    if (fs.readdirSync(dir).length > 0) bad(`${dir}: the folder is not empty; a new extension is scaffolded only into an empty or new folder`);
  }

  // Object names start with the extension's name, so two scaffolded extensions do not collide in a tenant.
  const stem = opts.name.slice(0, 60).trim();
  const tableName = `${stem} Entry`;
  const manifest: ManifestInput = {
    id,
    name: opts.name,
    publisher: opts.publisher,
    version: '1.0.0.0',
    brief: `${opts.name} by ${opts.publisher}`,
    description: `${opts.name}: a new extension. Edit app.json, objects/ and data/, then pack it.`,
    dependencies: [],
    idRanges: [{ from, to: from + 99 }],
    application: '1.0.0.0',
  };
  const table: AppObject = {
    type: 'table',
    id: from,
    name: tableName,
    caption: tableName,
    dataPerCompany: true,
    // Field ids of the extension's own tables lie in its idRanges too (see docs/package-format.md).
    fields: [
      { id: from, name: 'Code', type: 'Code', length: 20 },
      { id: from + 1, name: 'Description', type: 'Text', length: 100 },
      { id: from + 2, name: 'Quantity', type: 'Decimal' },
      { id: from + 3, name: 'Active', type: 'Boolean', initValue: true },
    ],
    keys: [{ fields: ['Code'], clustered: true }],
  };
  const page: AppObject = {
    type: 'page',
    id: from,
    name: `${stem} Entries`,
    pageType: 'List',
    sourceTable: tableName,
    caption: `${stem} Entries`,
    controls: [
      { name: 'Code', field: 'Code' },
      { name: 'Description', field: 'Description' },
      { name: 'Quantity', field: 'Quantity' },
      { name: 'Active', field: 'Active' },
    ],
  };
  const permissionSet: AppObject = {
    type: 'permissionset',
    id: from,
    name: `${stem} Edit`,
    caption: `Edit ${stem} entries`,
    assignable: true,
    permissions: [
      { objectType: 'tabledata', object: tableName, read: true, insert: true, modify: true, delete: true, execute: false },
      { objectType: 'table', object: '*', read: false, insert: false, modify: false, delete: false, execute: true },
      { objectType: 'page', object: '*', read: false, insert: false, modify: false, delete: false, execute: true },
    ],
  };
  const data: TableData = {
    table: tableName,
    rows: [
      { Code: 'SAMPLE-1', Description: 'First sample entry', Quantity: 1, Active: true },
      { Code: 'SAMPLE-2', Description: 'Second sample entry', Quantity: 2.5, Active: false },
    ],
  };
  const readme = [
    `# ${opts.name}`,
    '',
    `An extension by ${opts.publisher}, scaffolded by Tenantry.`,
    '',
    '- `app.json`: the manifest (id, name, publisher, version, idRanges, dependencies, ...).',
    '- `objects/*.json`: one object or an array of objects each (tables, pages, permission sets, ...).',
    '- `data/*.json`: rows loaded into every company on first install, `{ "table": ..., "rows": [...] }`.',
    '',
    'Object ids, and the ids of the fields this extension adds, must lie in `idRanges`.',
    'See docs/package-format.md in the Tenantry repository for every field.',
    '',
  ].join('\n');

  const write = (rel: string, content: string): void => {
    const full = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content, { flag: 'wx' });
  };
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  fs.mkdirSync(dir, { recursive: true });
  write(MANIFEST_FILE, json(manifest));
  write('README.md', readme);
  write('objects/tables.json', json([table]));
  write('objects/pages.json', json([page]));
  write('objects/permission-sets.json', json([permissionSet]));
  write('data/sample-entries.json', json(data));
  // The scaffold must itself be a valid extension.
  readSourceFolder(dir);
}
