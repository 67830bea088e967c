// Writing .app packages from a definition (for tools and tests), the shared pack-and-sign step, and the
// conventional file name of a package. Every package written is read back with the same checks as any
// other, so the writer can never produce a package that publishing would refuse for its own content.
import { TenantryError } from '../../shared/api/errors.js';
import { AppDefinitionSchema, type AppDefinition, type AppDefinitionInput } from '../../shared/domain/app-definition.js';
import type { Manifest } from '../../shared/domain/manifest.js';
import { entryNameProblem } from './entry-names.js';
import { issueTexts, summarizeIssues } from './issues.js';
import { DATA_FOLDER, MANIFEST_FILE, OBJECTS_FOLDER, type ContentFile } from './package-contents.js';
import { readPackage } from './read-package.js';
import { SIGNATURE_FILE, signFiles, type SigningKey } from './signature.js';
import { writeZip } from './zip-writer.js';

export interface WriteOptions {
  signingKey?: SigningKey;
  /** Extra files: README.md, and the logo and screenshots the manifest lists, by their path in the package. */
  files?: Record<string, Uint8Array | string>;
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/**
 * A package for `def`: app.json, objects/objects.json (every object, in order) and one data/NNNN-<table>.json
 * per table data, signed when a key is given. Deterministic: the same input gives the same bytes.
 */
export function writePackage(def: AppDefinitionInput, opts: WriteOptions = {}): Buffer {
  const parsed = AppDefinitionSchema.safeParse(def);
  if (!parsed.success) throw definitionError(def, parsed.error.issues);
  const d: AppDefinition = parsed.data;
  const files: ContentFile[] = [{ name: MANIFEST_FILE, data: json(d.manifest) }];
  const extra = Object.entries(opts.files ?? {});
  const readme = extra.find(([name]) => name === 'README.md');
  if (readme) files.push({ name: 'README.md', data: toBytes(readme[1]) });
  if (d.objects.length > 0) files.push({ name: `${OBJECTS_FOLDER}objects.json`, data: json(d.objects) });
  d.tableData.forEach((t, i) => {
    files.push({ name: `${DATA_FOLDER}${String(i + 1).padStart(4, '0')}-${safeFilePart(t.table, 60)}.json`, data: json(t) });
  });
  for (const [name, content] of extra) {
    if (name === 'README.md') continue;
    const problem = entryNameProblem(name);
    if (problem !== undefined) throw new TenantryError('BAD_INPUT', `extra file ${JSON.stringify(name)}: ${problem}`);
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE || name.startsWith(OBJECTS_FOLDER) || name.startsWith(DATA_FOLDER)) {
      throw new TenantryError('BAD_INPUT', `extra file "${name}": app.json, signature.json, objects/ and data/ are written from the definition`);
    }
    files.push({ name, data: toBytes(content) });
  }
  return packFiles(files, opts.signingKey);
}

/** Zips `files` in the given order, with signature.json last when signed, and reads the result back to check it. */
export function packFiles(files: readonly ContentFile[], signingKey: SigningKey | undefined, fileLabel?: string): Buffer {
  const all = files.filter((f) => f.name !== SIGNATURE_FILE);
  if (signingKey) all.push({ name: SIGNATURE_FILE, data: signFiles(all, signingKey) });
  const bytes = writeZip(all);
  readPackage(bytes, { verify: signingKey ? 'require' : 'skip' }, fileLabel);
  return bytes;
}

function toBytes(content: Uint8Array | string): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/** The definition's first schema problem, as MANIFEST_INVALID (manifest) or OBJECT_INVALID (objects, data). */
function definitionError(def: AppDefinitionInput, issues: Parameters<typeof issueTexts>[0]): TenantryError {
  const first = issues[0];
  const head = first?.path[0];
  if (head === 'manifest') {
    const texts = issueTexts(issues.filter((i) => i.path[0] === 'manifest').map((i) => ({ ...i, path: i.path.slice(1) })));
    return new TenantryError('MANIFEST_INVALID', `${MANIFEST_FILE}: ${summarizeIssues(texts)}`, { issues: texts });
  }
  if ((head === 'objects' || head === 'tableData') && typeof first?.path[1] === 'number') {
    const index = first.path[1];
    const list = (head === 'objects' ? def.objects : def.tableData) as unknown[] | undefined;
    const raw = list?.[index] as { type?: unknown; name?: unknown; table?: unknown } | undefined;
    const what =
      head === 'objects'
        ? `objects[${index}]${typeof raw?.type === 'string' && typeof raw.name === 'string' ? ` (${raw.type} ${JSON.stringify(raw.name)})` : ''}`
        : `tableData[${index}]${typeof raw?.table === 'string' ? ` (table ${JSON.stringify(raw.table)})` : ''}`;
    const texts = issueTexts([{ ...first, path: first.path.slice(2) }]);
    return new TenantryError('OBJECT_INVALID', `${what}: ${summarizeIssues(texts)}`, { issues: texts });
  }
  const texts = issueTexts(issues);
  return new TenantryError('BAD_INPUT', `the definition is invalid: ${summarizeIssues(texts)}`, { issues: texts });
}

/** ASCII letters, digits, '.' and '-' only; other runs become '-'. */
export function safeFilePart(s: string, max: number): string {
  const ascii = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const cleaned = ascii
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max)
    .replace(/[-.]+$/g, '');
  return cleaned === '' ? 'app' : cleaned;
}

/** "<Publisher>_<Name>_<version>.app", with only ASCII letters, digits, '.', '-' and the two '_' separators. */
export function packageFileName(m: Pick<Manifest, 'publisher' | 'name' | 'version'>): string {
  return `${safeFilePart(m.publisher, 60)}_${safeFilePart(m.name, 60)}_${safeFilePart(m.version, 40)}.app`;
}
