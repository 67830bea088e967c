// The table of hostile and broken packages, shared by the package reader's tests and the engine's publish tests
// (which check that refusing them writes nothing). The zips are forged byte by byte (zip-forge.ts).
import zlib from 'node:zlib';
import type { ErrorCode } from '../../../shared/api/errors.js';
import type { ReadOptions } from '../read-package.js';
import { generateSigningKey, signFiles } from '../signature.js';
import { sampleFiles, sampleManifest, sampleObjects } from './sample-app.js';
import { forgeZip, localRecord, zipFiles, type ForgeEntry } from './zip-forge.js';

export interface HostileCase {
  name: string;
  bytes: () => Uint8Array;
  opts?: Partial<ReadOptions>;
  code: ErrorCode;
  message: RegExp;
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
const entriesOf = (files: Record<string, string | Buffer>): ForgeEntry[] => Object.entries(files).map(([name, data]) => ({ name, data }));
/** The valid sample package with extra forged entries after its own. */
const withEntries = (...extra: ForgeEntry[]): Buffer => forgeZip([...entriesOf(sampleFiles()), ...extra]);
/** The valid sample package with its files changed by `change`. */
const withFiles = (change: (files: Record<string, string | Buffer>) => void): Buffer => {
  const files = sampleFiles();
  change(files);
  return zipFiles(files);
};
/** The sample package with the manifest changed. */
const withManifest = (change: (m: Record<string, unknown>) => void): Buffer =>
  withFiles((f) => {
    const m = sampleManifest();
    change(m);
    f['app.json'] = json(m);
  });
/** The sample package with objects of one file replaced. */
const withObjects = (file: string, objects: unknown): Buffer => withFiles((f) => (f[file] = json(objects)));
const sampleTable = (): Record<string, unknown> => structuredClone(sampleObjects()[0]!);
const sampleTableExtension = (): Record<string, unknown> => structuredClone(sampleObjects()[1]!);
const unixMode = (mode: number): number => (mode << 16) >>> 0;
/** The key the signed cases are signed with (trusted where a case says so). */
export const HOSTILE_KEY = generateSigningKey();
const key = HOSTILE_KEY;
const otherKey = generateSigningKey();
export const signed = (files: Record<string, string | Buffer>, signingKey = key): Record<string, string | Buffer> => {
  const list = Object.entries(files).map(([name, data]) => ({ name, data: Buffer.from(data) }));
  return { ...files, 'signature.json': signFiles(list, signingKey) };
};
const deepNesting = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

export const HOSTILE_CASES: HostileCase[] = [
  // --- zip slip and unsafe names -----------------------------------------------------------------
  {
    name: 'zip slip ../x',
    bytes: () => withEntries({ name: '../evil.json', data: '{}' }),
    code: 'PACKAGE_INVALID',
    message: /entry "\.\.\/evil\.json": unsafe name: the name has a "\.\." segment/,
  },
  {
    name: 'absolute path',
    bytes: () => withEntries({ name: '/etc/cron.d/evil', data: 'x' }),
    code: 'PACKAGE_INVALID',
    message: /"\/etc\/cron\.d\/evil": unsafe name: the name is an absolute path/,
  },
  {
    name: 'a/../../x',
    bytes: () => withEntries({ name: 'objects/../../evil.json', data: '{}' }),
    code: 'PACKAGE_INVALID',
    message: /"objects\/\.\.\/\.\.\/evil\.json".*"\.\." segment/,
  },
  {
    name: 'backslash ..\\x',
    bytes: () => withEntries({ name: '..\\evil.json', data: '{}' }),
    code: 'PACKAGE_INVALID',
    message: /unsafe name: the name contains a backslash/,
  },
  {
    name: 'drive letter C:/x',
    bytes: () => withEntries({ name: 'C:/Windows/evil.dll', data: 'x' }),
    code: 'PACKAGE_INVALID',
    message: /"C:\/Windows\/evil\.dll": unsafe name: the name starts with a drive letter/,
  },
  {
    name: 'drive-relative C:x',
    bytes: () => withEntries({ name: 'C:evil.dll', data: 'x' }),
    code: 'PACKAGE_INVALID',
    message: /"C:evil\.dll": unsafe name: the name starts with a drive letter/,
  },
  {
    name: 'percent-encoded %2e%2e/x',
    bytes: () => withEntries({ name: '%2e%2e/evil.json', data: '{}' }),
    code: 'PACKAGE_INVALID',
    message: /"%2e%2e\/evil\.json": unsafe name: .*character "%"/,
  },
  {
    name: 'fullwidth dots ．．/x',
    bytes: () => withEntries({ name: '\uff0e\uff0e/evil.json', data: '{}' }),
    code: 'PACKAGE_INVALID',
    message: /unsafe name: the name spells a path escape in Unicode look-alike characters/,
  },
  {
    name: 'fullwidth solidus objects／..／x',
    bytes: () => withEntries({ name: 'objects\uff0f..\uff0fevil.json', data: '{}' }),
    code: 'PACKAGE_INVALID',
    message: /look-alike/,
  },
  {
    name: 'overlong UTF-8 dots',
    bytes: () =>
      withEntries({ name: 'x', nameBytes: Buffer.concat([Buffer.from([0xc0, 0xae, 0xc0, 0xae]), Buffer.from('/evil.json')]), flags: 0x0800, data: '{}' }),
    code: 'PACKAGE_INVALID',
    message: /central directory entry #\d+: the name is not valid UTF-8/,
  },
  {
    name: 'non-ASCII name without the UTF-8 flag',
    bytes: () => withEntries({ name: 'x', nameBytes: Buffer.from('objects/caf\xe9.json', 'latin1'), flags: 0, data: '[]' }),
    code: 'PACKAGE_INVALID',
    message: /non-ASCII bytes but is not marked as UTF-8/,
  },
  {
    name: 'NUL in a name',
    bytes: () => withEntries({ name: 'app.json\u0000.png', data: 'x' }),
    code: 'PACKAGE_INVALID',
    message: /"app\.json\\u0000\.png": unsafe name: the name contains a NUL or control character/,
  },
  {
    name: 'empty path segment',
    bytes: () => withEntries({ name: 'objects//more.json', data: '[]' }),
    code: 'PACKAGE_INVALID',
    message: /"objects\/\/more\.json": unsafe name: the name has an empty path segment/,
  },
  {
    name: 'trailing dot (Windows strips it)',
    bytes: () => withEntries({ name: 'objects/more.json.', data: '[]' }),
    code: 'PACKAGE_INVALID',
    message: /segment "more\.json\." ends with a dot or a space/,
  },
  {
    name: 'Windows device name',
    bytes: () => withEntries({ name: 'objects/con.json', data: '[]' }),
    code: 'PACKAGE_INVALID',
    message: /segment "con\.json" is a reserved device name on Windows/,
  },

  // --- zip bombs and limits ----------------------------------------------------------------------
  {
    name: 'zip bomb: expansion ratio',
    bytes: () => withEntries({ name: 'data/bomb.json', data: Buffer.alloc(4 * 1024 * 1024, 0x20), deflate: true }),
    code: 'PACKAGE_TOO_LARGE',
    message: /entry "data\/bomb\.json" expands \d+ times \(\d+ to 4194304 bytes\), over the limit of 200/,
  },
  {
    name: 'zip bomb: total expanded size',
    bytes: () => zipFiles(sampleFiles()),
    opts: { limits: { maxTotalBytes: 2000 } },
    code: 'PACKAGE_TOO_LARGE',
    message: /the entries expand to more than the limit of 2000 bytes in total \(at entry "/,
  },
  {
    name: 'entry over the per-entry limit',
    bytes: () => zipFiles(sampleFiles()),
    opts: { limits: { maxEntryBytes: 600 } },
    code: 'PACKAGE_TOO_LARGE',
    message: /entry "objects\/\w+\.json" declares \d+ expanded bytes, over the limit of 600 per entry/,
  },
  {
    name: 'zip bomb: declared size lies',
    bytes: () => withEntries({ name: 'data/liar.json', data: Buffer.alloc(8 * 1024 * 1024, 0x20), deflate: true, size: 100, crc: 0 }),
    code: 'PACKAGE_TOO_LARGE',
    message: /entry "data\/liar\.json" expands past its declared size of 100 bytes/,
  },
  {
    name: 'too many entries',
    bytes: () => zipFiles(sampleFiles()),
    opts: { limits: { maxEntries: 3 } },
    code: 'PACKAGE_TOO_LARGE',
    message: /the package has 11 entries, over the limit of 3/,
  },
  {
    name: 'package file too large',
    bytes: () => zipFiles(sampleFiles()),
    opts: { limits: { maxPackageBytes: 100 } },
    code: 'PACKAGE_TOO_LARGE',
    message: /the package is \d+ bytes, over the limit of 100/,
  },

  // --- duplicates --------------------------------------------------------------------------------
  {
    name: 'duplicate entry (exact)',
    bytes: () => withEntries({ name: 'app.json', data: json({ ...sampleManifest(), name: 'Other' }) }),
    code: 'PACKAGE_INVALID',
    message: /entry "app\.json": duplicate entry/,
  },
  {
    name: 'duplicate after case folding',
    bytes: () => withEntries({ name: 'OBJECTS/Tables.JSON', data: '[]' }),
    code: 'PACKAGE_INVALID',
    message: /entry "OBJECTS\/Tables\.JSON" duplicates entry "objects\/tables\.json" once case and Unicode normalization are folded/,
  },
  {
    name: 'duplicate after Unicode normalization (NFC vs NFD)',
    bytes: () => withEntries({ name: 'objects/caf\u00e9.json', data: '[]' }, { name: 'objects/cafe\u0301.json', data: '[]' }),
    code: 'PACKAGE_INVALID',
    message: /duplicates entry "objects\/café\.json" once case and Unicode normalization are folded/,
  },
  {
    name: 'a name used as file and folder',
    bytes: () => forgeZip([{ name: 'data', data: 'x' }, ...entriesOf(sampleFiles())]),
    code: 'PACKAGE_INVALID',
    message: /entry "data" is a file, but entry "data\/\S+" uses it as a folder/,
  },

  // --- links and special files -------------------------------------------------------------------
  {
    name: 'symlink entry',
    bytes: () => withEntries({ name: 'objects/link.json', data: '/etc/passwd', externalAttributes: unixMode(0o120777) }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/link\.json": is a symbolic link/,
  },
  {
    name: 'FIFO entry',
    bytes: () => withEntries({ name: 'objects/fifo.json', externalAttributes: unixMode(0o010644) }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/fifo\.json": is a special file \(mode 010000/,
  },
  {
    name: 'character device entry',
    bytes: () => withEntries({ name: 'objects/tty.json', externalAttributes: unixMode(0o020644) }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/tty\.json": is a special file \(mode 020000/,
  },
  {
    name: 'Windows reparse point',
    bytes: () => withEntries({ name: 'objects/junction.json', data: '[]', versionMadeBy: 20, externalAttributes: 0x420 }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/junction\.json": is a reparse point/,
  },

  // --- headers that disagree ---------------------------------------------------------------------
  {
    name: 'local vs central name mismatch',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', local: { nameBytes: Buffer.from('objects/evil.json') } }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": the local header and the central directory disagree on the name/,
  },
  {
    name: 'local vs central size mismatch',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', local: { size: 3000 } }),
    code: 'PACKAGE_INVALID',
    message: /disagree on the expanded size/,
  },
  {
    name: 'local vs central CRC mismatch',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', local: { crc: 0x1234 } }),
    code: 'PACKAGE_INVALID',
    message: /disagree on the CRC-32/,
  },
  {
    name: 'local vs central method mismatch',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', local: { method: 8 } }),
    code: 'PACKAGE_INVALID',
    message: /disagree on the compression method/,
  },
  {
    name: 'local vs central flags mismatch',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', local: { flags: 0x0800 } }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": the local header and the central directory disagree on the flags/,
  },
  {
    name: 'CRC does not match the content',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', crc: 0xdeadbeef }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": CRC-32 mismatch/,
  },
  {
    name: 'stored entry with two sizes',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', size: 3000 }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": is stored but declares 2 compressed and 3000 expanded bytes/,
  },
  {
    name: 'data descriptor that disagrees',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', flags: 0x0008, after: Buffer.from('504b0708000000000200000002000000', 'hex') }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": its data descriptor is missing or disagrees/,
  },
  {
    name: 'junk after the deflate stream',
    bytes: () =>
      withEntries({ name: 'objects/more.json', data: '[]', method: 8, body: Buffer.concat([zlib.deflateRawSync(Buffer.from('[]')), Buffer.from('hidden')]) }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": 6 bytes follow the end of its deflate stream/,
  },
  {
    name: 'damaged deflate data',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', method: 8, body: Buffer.from([0xff, 0xff, 0xff]) }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": the compressed data is damaged/,
  },
  {
    name: 'alternate Unicode path naming another file',
    bytes: () => {
      // Info-ZIP Unicode Path field: readers that honour it would extract "../evil.json".
      const other = Buffer.from('../evil.json');
      const field = Buffer.concat([Buffer.from([0x75, 0x70, other.length + 5, 0, 1]), Buffer.alloc(4), other]);
      field.writeUInt32LE(zlib.crc32('objects/more.json') >>> 0, 5);
      return withEntries({ name: 'objects/more.json', data: '[]', centralExtra: field });
    },
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": carries an alternate Unicode path in its central directory extra field that differs from its name/,
  },

  // --- layout: data outside the entries ----------------------------------------------------------
  {
    name: 'trailing data after the end record',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { append: Buffer.from('MZ trailing payload') }),
    code: 'PACKAGE_INVALID',
    message: /19 bytes of trailing data after the end-of-central-directory record/,
  },
  {
    name: 'prepended data (offsets adjusted)',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { prepend: Buffer.alloc(512, 0x90) }),
    code: 'PACKAGE_INVALID',
    message: /512 bytes of data before the first entry \(prepended data\)/,
  },
  {
    name: 'prepended data (offsets not adjusted)',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { prepend: Buffer.alloc(512, 0x90), adjustForPrepend: false }),
    code: 'PACKAGE_INVALID',
    message: /no local header at offset|unaccounted data|central directory/,
  },
  {
    name: 'overlapping entries',
    bytes: () => {
      // The classic overlap: entry B's local header is planted inside entry A's data.
      const inner: ForgeEntry = { name: 'objects/b.json', data: '[]' };
      const outer: ForgeEntry = { name: 'objects/a.json', data: localRecord(inner) };
      const before = entriesOf(sampleFiles());
      const outerAt = before.reduce((n, e) => n + localRecord(e).length, 0);
      return forgeZip([...before, outer, { ...inner, centralOnly: true, localOffset: outerAt + 30 + Buffer.byteLength(outer.name) }]);
    },
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/b\.json" overlaps entry "objects\/a\.json"/,
  },
  {
    name: 'gap between the entries and the central directory',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { beforeCentral: Buffer.from('hidden payload') }),
    code: 'PACKAGE_INVALID',
    message: /14 bytes of unaccounted data between the last entry and the central directory/,
  },
  {
    name: 'data between central directory and end record',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { beforeEnd: Buffer.from('hidden') }),
    code: 'PACKAGE_INVALID',
    message: /6 bytes of unaccounted data between the central directory and its end record/,
  },

  // --- unsupported features ----------------------------------------------------------------------
  {
    name: 'encrypted flag',
    bytes: () => withEntries({ name: 'objects/secret.json', data: '[]', flags: 0x0001 }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/secret\.json": is encrypted/,
  },
  {
    name: 'AES encryption (method 99)',
    bytes: () => withEntries({ name: 'objects/secret.json', data: '[]', method: 99 }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/secret\.json": is encrypted/,
  },
  {
    name: 'unknown compression method',
    bytes: () => withEntries({ name: 'objects/more.json', data: '[]', method: 12 }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/more\.json": uses compression method 12; only stored \(0\) and deflate \(8\) are supported/,
  },
  {
    name: 'zip64 size marker',
    bytes: () => withEntries({ name: 'objects/big.json', data: '[]', size: 0xffffffff, compressedSize: 0xffffffff, method: 8 }),
    code: 'PACKAGE_INVALID',
    message: /entry "objects\/big\.json": uses zip64 fields; zip64 is not supported/,
  },
  {
    name: 'zip64 extra field',
    bytes: () => withEntries({ name: 'objects/big.json', data: '[]', centralExtra: Buffer.from('01000800' + '0200000000000000', 'hex') }),
    code: 'PACKAGE_INVALID',
    message: /zip64 extra field/,
  },
  {
    name: 'zip64 end-of-central-directory locator',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { beforeEnd: Buffer.concat([Buffer.from('504b0607', 'hex'), Buffer.alloc(16)]) }),
    code: 'PACKAGE_INVALID',
    message: /zip64 archives are not supported/,
  },
  {
    name: 'multi-disk archive',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { eocd: { diskNumber: 1 } }),
    code: 'PACKAGE_INVALID',
    message: /multi-disk \(split or spanned\) archives are not supported/,
  },
  {
    name: 'entry count that lies',
    bytes: () => forgeZip(entriesOf(sampleFiles()), { eocd: { entryCount: 12, entriesOnDisk: 12 } }),
    code: 'PACKAGE_INVALID',
    message: /central directory entry #12 is missing or damaged/,
  },

  // --- not a zip ---------------------------------------------------------------------------------
  {
    name: 'truncated file',
    bytes: () => zipFiles(sampleFiles()).subarray(0, 1500),
    code: 'PACKAGE_INVALID',
    message: /the zip is truncated or damaged: no end-of-central-directory record/,
  },
  { name: 'empty file', bytes: () => new Uint8Array(0), code: 'PACKAGE_INVALID', message: /the file is empty, not a zip package/ },
  {
    name: 'not a zip',
    bytes: () => Buffer.from('{"this is": "a JSON file, not a package at all"}'),
    code: 'PACKAGE_INVALID',
    message: /the file is not a zip package/,
  },
  { name: 'too short to be a zip', bytes: () => Buffer.from('PK'), code: 'PACKAGE_INVALID', message: /too short to be a zip package/ },

  // --- package content ---------------------------------------------------------------------------
  { name: 'missing app.json', bytes: () => withFiles((f) => delete f['app.json']), code: 'PACKAGE_INVALID', message: /app\.json is missing/ },
  {
    name: 'app.json not JSON',
    bytes: () => withFiles((f) => (f['app.json'] = '{\n  "id": "6f1d9a52-8c1e-4b7a-9d3e-0a5b2c4d6e8f",\n  "name": Fleet\n}')),
    code: 'MANIFEST_INVALID',
    message: /hostile\.app: app\.json: invalid JSON: unexpected "F", expected a value at line 3, column 11/,
  },
  {
    name: 'app.json with a duplicate key',
    bytes: () => withFiles((f) => (f['app.json'] = `{"name": "Decoy",${String(f['app.json']).slice(1)}`)),
    code: 'MANIFEST_INVALID',
    message: /app\.json: invalid JSON: duplicate key "name" at line/,
  },
  {
    name: 'app.json not UTF-8',
    bytes: () => withFiles((f) => (f['app.json'] = Buffer.from([0x7b, 0xff, 0x7d]))),
    code: 'MANIFEST_INVALID',
    message: /app\.json: not valid UTF-8 text/,
  },
  { name: 'manifest: bad GUID', bytes: () => withManifest((m) => (m.id = 'not-a-guid')), code: 'MANIFEST_INVALID', message: /app\.json: id: must be a GUID/ },
  {
    name: 'manifest: 3-part version',
    bytes: () => withManifest((m) => (m.version = '1.0.0')),
    code: 'MANIFEST_INVALID',
    message: /app\.json: version: must be a four-part version such as 1\.0\.0\.0/,
  },
  {
    name: 'manifest: unknown field',
    bytes: () => withManifest((m) => (m.dependancies = [])),
    code: 'MANIFEST_INVALID',
    message: /app\.json: dependancies: unknown field/,
  },
  {
    name: 'manifest: empty idRanges',
    bytes: () => withManifest((m) => (m.idRanges = [])),
    code: 'MANIFEST_INVALID',
    message: /app\.json: idRanges: must declare at least one id range/,
  },
  {
    name: 'manifest: idRange from > to',
    bytes: () => withManifest((m) => (m.idRanges = [{ from: 50200, to: 50100 }])),
    code: 'MANIFEST_INVALID',
    message: /app\.json: idRanges\[0\]: from must not be greater than to/,
  },
  { name: 'manifest: missing name', bytes: () => withManifest((m) => delete m.name), code: 'MANIFEST_INVALID', message: /app\.json: name: is required/ },
  {
    name: 'manifest: depends on itself',
    bytes: () => withManifest((m) => (m.dependencies = [{ id: m.id, name: 'Fleet Management', publisher: 'Contoso', version: '1.0.0.0' }])),
    code: 'MANIFEST_INVALID',
    message: /app\.json: dependencies\[0\]\.id: an extension cannot depend on itself/,
  },
  {
    name: 'manifest: logo listed but absent',
    bytes: () => withManifest((m) => (m.logo = 'logo.png')),
    code: 'MANIFEST_INVALID',
    message: /app\.json: logo: "logo\.png" is not in the package/,
  },
  {
    name: 'object id out of range',
    bytes: () => withObjects('objects/tables.json', [{ ...sampleTable(), id: 60000 }]),
    code: 'ID_OUT_OF_RANGE',
    message: /objects\/tables\.json: object 1 \(table "Fleet Vehicle"\): table id 60000 is outside the idRanges of the manifest \(50100\.\.50149\)/,
  },
  {
    name: 'table extension field id out of range',
    bytes: () => withObjects('objects/tableextensions.json', [{ ...sampleTableExtension(), fields: [{ id: 10, name: 'Fleet Size', type: 'Integer' }] }]),
    code: 'ID_OUT_OF_RANGE',
    message: /objects\/tableextensions\.json: object 1 \(tableextension "Customer Fleet"\): fields\[0\] "Fleet Size": field id 10 is outside the idRanges/,
  },
  {
    name: 'enum extension value id out of range',
    bytes: () =>
      withObjects('objects/enumextensions.json', [
        { type: 'enumextension', id: 50101, name: 'Blocked Fleet', extends: 'Customer Blocked', values: [{ id: 3, name: 'Fleet' }] },
      ]),
    code: 'ID_OUT_OF_RANGE',
    message: /values\[0\] "Fleet": enum value id 3 is outside the idRanges/,
  },
  {
    name: 'duplicate object id',
    bytes: () => withFiles((f) => (f['objects/more-tables.json'] = json({ ...sampleTable(), name: 'Fleet Driver' }))),
    code: 'ID_COLLISION',
    message:
      /objects\/tables\.json: object 1 \(table "Fleet Vehicle"\): table id 50100 is already used by hostile\.app: objects\/more-tables\.json: object 1 \(table "Fleet Driver"\)/,
  },
  {
    name: 'duplicate object name (case-insensitive)',
    bytes: () => withFiles((f) => (f['objects/pages.json'] = json([sampleObjects()[2], { ...sampleObjects()[2], id: 50102, name: 'FLEET VEHICLES' }]))),
    code: 'ID_COLLISION',
    message: /object 2 \(page "FLEET VEHICLES"\): page name "FLEET VEHICLES" is already used by .*object 1 \(page "Fleet Vehicles"\)/,
  },
  {
    name: 'same field added twice to one table',
    bytes: () =>
      withFiles(
        (f) =>
          (f['objects/more.json'] = json({
            ...sampleTableExtension(),
            id: 50102,
            name: 'Customer Fleet 2',
            fields: [{ id: 50111, name: 'fleet size', type: 'Integer' }],
            modify: [],
          })),
      ),
    code: 'ID_COLLISION',
    message:
      /objects\/tableextensions\.json: object 1 \(tableextension "Customer Fleet"\): field "Fleet Size" reuses field name "Fleet Size" of field "fleet size" in hostile\.app: objects\/more\.json: object 1 \(tableextension "Customer Fleet 2"\) \(same table "Customer"\)/,
  },
  {
    name: 'unknown object type',
    bytes: () => withObjects('objects/codeunits.json', [{ type: 'report', id: 50100, name: 'Fleet Report' }]),
    code: 'OBJECT_INVALID',
    message: /objects\/codeunits\.json: object 1 \(report "Fleet Report"\): type: must be one of table, tableextension, page/,
  },
  {
    name: 'bad field type',
    bytes: () => withObjects('objects/tables.json', [{ ...sampleTable(), fields: [{ id: 50100, name: 'No.', type: 'String', length: 20 }] }]),
    code: 'OBJECT_INVALID',
    message: /objects\/tables\.json: object 1 \(table "Fleet Vehicle"\): fields\[0\]\.type: must be one of Code, Text, Integer/,
  },
  {
    name: 'object file holds a number',
    bytes: () => withFiles((f) => (f['objects/odd.json'] = '42')),
    code: 'OBJECT_INVALID',
    message: /objects\/odd\.json: object 1: must be a JSON object/,
  },
  {
    name: 'JSON nested too deep',
    bytes: () => withFiles((f) => (f['objects/deep.json'] = deepNesting(100))),
    code: 'OBJECT_INVALID',
    message: /objects\/deep\.json: invalid JSON: nesting deeper than 64 levels at line 1, column 65/,
  },
  {
    name: 'table data for an unknown table',
    bytes: () => withFiles((f) => (f['data/vendor.json'] = json({ table: 'Vendor', rows: [] }))),
    code: 'OBJECT_INVALID',
    message: /data\/vendor\.json: data for table "Vendor", which this package neither declares nor extends/,
  },
  {
    name: 'table data with a field the table lacks',
    bytes: () => withFiles((f) => (f['data/fleet-vehicle.json'] = json({ table: 'Fleet Vehicle', rows: [{ 'No.': 'V-9', Colour: 'red' }] }))),
    code: 'OBJECT_INVALID',
    message: /data\/fleet-vehicle\.json: rows\[0\]: "Colour" is not a field of table "Fleet Vehicle"/,
  },
  {
    name: 'table data twice for one table',
    bytes: () => withFiles((f) => (f['data/zz-again.json'] = json({ table: 'fleet vehicle', rows: [] }))),
    code: 'OBJECT_INVALID',
    message: /data\/zz-again\.json: table "fleet vehicle" already has data in data\/fleet-vehicle\.json/,
  },
  {
    name: 'table data not in TableData shape',
    bytes: () => withFiles((f) => (f['data/customer.json'] = json({ table: 'Customer', records: [] }))),
    code: 'OBJECT_INVALID',
    message: /data\/customer\.json: rows: is required/,
  },
  {
    name: 'unknown top-level file',
    bytes: () => withFiles((f) => (f['install.ps1'] = 'Remove-Item -Recurse C:\\')),
    code: 'PACKAGE_INVALID',
    message: /hostile\.app: install\.ps1: unknown file/,
  },
  {
    name: 'non-JSON file under objects/',
    bytes: () => withFiles((f) => (f['objects/notes.txt'] = 'hello')),
    code: 'PACKAGE_INVALID',
    message: /objects\/notes\.txt: only \.json files are allowed under objects\//,
  },

  // --- signatures --------------------------------------------------------------------------------
  {
    name: 'unsigned with verify require',
    bytes: () => zipFiles(sampleFiles()),
    opts: { verify: 'require' },
    code: 'SIGNATURE_MISSING',
    message: /hostile\.app: the package is not signed/,
  },
  {
    name: 'signature value tampered',
    bytes: () => {
      const files = signed(sampleFiles());
      const s = JSON.parse(String(files['signature.json'])) as { signature: string };
      s.signature = (s.signature.startsWith('A') ? 'B' : 'A') + s.signature.slice(1);
      return zipFiles({ ...files, 'signature.json': json(s) });
    },
    opts: { verify: 'require' },
    code: 'SIGNATURE_INVALID',
    message: /signature\.json: the signature does not verify with key [0-9a-f]{16}/,
  },
  {
    name: 'signed file list edited (a file dropped from list and package)',
    bytes: () => {
      const files = signed(sampleFiles());
      const s = JSON.parse(String(files['signature.json'])) as { files: { path: string; size: number }[] };
      s.files = s.files.filter((x) => x.path !== 'data/customer.json');
      const f: Record<string, string | Buffer> = { ...files, 'signature.json': json(s) };
      delete f['data/customer.json'];
      return zipFiles(f);
    },
    code: 'SIGNATURE_INVALID',
    message: /the signature does not verify/,
  },
  {
    name: 'signature made for another file list',
    bytes: () => {
      const fewer = sampleFiles();
      delete fewer['data/customer.json'];
      return zipFiles({ ...sampleFiles(), 'signature.json': signed(fewer)['signature.json']! });
    },
    opts: { verify: 'require' },
    code: 'SIGNATURE_INVALID',
    message: /signature\.json: data\/customer\.json is in the package but not listed in the signature/,
  },
  {
    name: 'signed file removed',
    bytes: () => {
      const files = signed(sampleFiles());
      delete files['data/customer.json'];
      return zipFiles(files);
    },
    code: 'SIGNATURE_INVALID',
    message: /data\/customer\.json is listed in the signature but missing from the package/,
  },
  {
    name: 'signed file changed (same size)',
    bytes: () => {
      const files = signed(sampleFiles());
      files['app.json'] = String(files['app.json']).replace('Vehicles and drivers', 'Vehicles and DRIVERS');
      return zipFiles(files);
    },
    code: 'SIGNATURE_INVALID',
    message: /app\.json was changed after signing \(its SHA-256 differs\)/,
  },
  {
    name: 'signed file changed (other size)',
    bytes: () => {
      const files = signed(sampleFiles());
      files['app.json'] = String(files['app.json']).replace('Vehicles and drivers', 'Vehicles');
      return zipFiles(files);
    },
    code: 'SIGNATURE_INVALID',
    message: /app\.json is \d+ bytes but was \d+ bytes when signed/,
  },
  {
    name: 'signer not trusted',
    bytes: () => zipFiles(signed(sampleFiles())),
    opts: { verify: 'require', trustedPublicKeys: [otherKey.publicKey] },
    code: 'SIGNATURE_INVALID',
    message: /signed by key [0-9a-f]{16}, which is not one of the trusted keys/,
  },
  {
    name: 'signature.json with an unknown field',
    bytes: () => {
      const files = signed(sampleFiles());
      const s = JSON.parse(String(files['signature.json'])) as Record<string, unknown>;
      return zipFiles({ ...files, 'signature.json': json({ ...s, trusted: true }) });
    },
    code: 'SIGNATURE_INVALID',
    message: /signature\.json: trusted: unknown field/,
  },
  {
    name: 'keyId that is not the key',
    bytes: () => {
      const files = signed(sampleFiles());
      const s = JSON.parse(String(files['signature.json'])) as Record<string, unknown>;
      return zipFiles({ ...files, 'signature.json': json({ ...s, keyId: otherKey.keyId }) });
    },
    code: 'SIGNATURE_INVALID',
    message: /keyId [0-9a-f]{16} does not belong to the public key/,
  },
  {
    name: 'signed package tampered, read with verify skip',
    bytes: () => {
      const files = signed(sampleFiles());
      files['objects/tables.json'] = String(files['objects/tables.json']).replace('"Van"', '"Car"').replace('Fleet Vehicle', 'Fleet Vehicle');
      files['data/fleet-vehicle.json'] = String(files['data/fleet-vehicle.json']).replace('"Van"', '"Car"');
      return zipFiles(files);
    },
    opts: { verify: 'skip' },
    code: 'SIGNATURE_INVALID',
    message: /data\/fleet-vehicle\.json was changed after signing/,
  },
];
