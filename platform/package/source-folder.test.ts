// Source folders on a real temporary file system: scaffold, read, pack, and errors that name the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TenantryError } from '../../shared/api/errors.js';
import { generateSigningKey, newSourceFolder, packSourceFolder, packageFileName, readPackage, readSourceFolder } from './index.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-source-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function refusal(run: () => unknown): Promise<TenantryError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof TenantryError) return e;
    throw new Error(`expected a TenantryError, got ${String(e)}`);
  }
  throw new Error('expected a refusal, but it was accepted');
}

describe('newSourceFolder → packSourceFolder → readPackage', () => {
  it('gives a valid, signed package with the scaffolded objects and data', async () => {
    const dir = path.join(tmp, 'fleet');
    const id = '0e9a1c2b-3d4e-4f50-8a6b-7c8d9e0f1a2b';
    newSourceFolder(dir, { name: 'Fleet Management', publisher: 'Contoso', id, idRangeFrom: 70000 });
    expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'app.json', 'data', 'objects']);

    const def = readSourceFolder(dir);
    expect(def.manifest).toMatchObject({ id, name: 'Fleet Management', publisher: 'Contoso', version: '1.0.0.0', idRanges: [{ from: 70000, to: 70099 }] });
    expect(def.objects.map((o) => `${o.type} ${o.id} ${o.name}`).sort()).toEqual([
      'page 70000 Fleet Management Entries',
      'permissionset 70000 Fleet Management Edit',
      'table 70000 Fleet Management Entry',
    ]);
    expect(def.tableData).toEqual([{ table: 'Fleet Management Entry', rows: expect.any(Array) as unknown }]);

    const key = generateSigningKey();
    const outFile = path.join(tmp, 'out', packageFileName(def.manifest));
    const { file, bytes } = await packSourceFolder(dir, { signingKey: key, outFile });
    expect(file).toBe(outFile);
    expect(fs.readFileSync(outFile).equals(bytes)).toBe(true);
    expect(fs.readdirSync(path.dirname(outFile))).toEqual(['Contoso_Fleet-Management_1.0.0.0.app']);
    const info = readPackage(fs.readFileSync(outFile), { verify: 'require', trustedPublicKeys: [key.publicKey] }, path.basename(outFile));
    expect(info.definition).toEqual(def);
    expect(info.signature?.keyId).toBe(key.keyId);
  });

  it('packs deterministically, and leaves hidden files and built .app files out', async () => {
    const dir = path.join(tmp, 'app');
    newSourceFolder(dir, { name: 'Loyalty', publisher: 'Fabrikam' });
    const first = (await packSourceFolder(dir, { outFile: path.join(dir, 'Loyalty.app') })).bytes;
    fs.mkdirSync(path.join(dir, '.vscode'));
    fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), '{}');
    fs.writeFileSync(path.join(dir, 'objects', '.DS_Store'), 'junk');
    const second = (await packSourceFolder(dir)).bytes;
    expect(second.equals(first)).toBe(true);
  });

  it('refuses a folder that is not empty, and bad options', async () => {
    const dir = path.join(tmp, 'busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const err = await refusal(() => newSourceFolder(dir, { name: 'X', publisher: 'Y' }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain(`${dir}: the folder is not empty`);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
    expect((await refusal(() => newSourceFolder(path.join(tmp, 'a'), { name: ' padded', publisher: 'Y' }))).message).toMatch(
      /^name: must not start or end with spaces/,
    );
    expect((await refusal(() => newSourceFolder(path.join(tmp, 'b'), { name: 'X', publisher: 'Y', id: 'nope' }))).message).toMatch(
      /^id: "nope" must be a GUID/,
    );
    expect((await refusal(() => newSourceFolder(path.join(tmp, 'c'), { name: 'X', publisher: 'Y', idRangeFrom: 0 }))).message).toMatch(/^idRangeFrom: 0/);
    expect(fs.existsSync(path.join(tmp, 'a'))).toBe(false);
  });
});

describe('errors name the file on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(tmp, 'src');
    newSourceFolder(dir, { name: 'Fleet', publisher: 'Contoso', idRangeFrom: 50100 });
  });

  it('a schema error in an object file', async () => {
    const file = path.join(dir, 'objects', 'tables.json');
    const tables = JSON.parse(fs.readFileSync(file, 'utf8')) as { fields: { type: string }[] }[];
    tables[0]!.fields[1]!.type = 'Varchar';
    fs.writeFileSync(file, JSON.stringify(tables, null, 2));
    const err = await refusal(() => readSourceFolder(dir));
    expect(err.code).toBe('OBJECT_INVALID');
    expect(err.message).toMatch(new RegExp(`^${escape(file)}: object 1 \\(table "Fleet Entry"\\): fields\\[1\\]\\.type: must be one of Code, Text`));
    expect((await refusal(() => packSourceFolder(dir))).message).toBe(err.message);
  });

  it('a JSON syntax error, with line and column', async () => {
    const file = path.join(dir, 'app.json');
    fs.writeFileSync(file, '{\n  "id": "x",\n  "name": "Fleet",,\n}');
    const err = await refusal(() => readSourceFolder(dir));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toBe(`${file}: invalid JSON: unexpected ",", expected a property name in double quotes at line 3, column 19`);
  });

  it('an id out of range', async () => {
    const file = path.join(dir, 'objects', 'pages.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"id": 50100', '"id": 21'));
    const err = await refusal(() => readSourceFolder(dir));
    expect(err.code).toBe('ID_OUT_OF_RANGE');
    expect(err.message).toBe(`${file}: object 1 (page "Fleet Entries"): page id 21 is outside the idRanges of the manifest (50100..50199)`);
  });

  it('an unknown file, a link, a missing folder', async () => {
    fs.writeFileSync(path.join(dir, 'signing-key.pem'), 'secret');
    const unknown = await refusal(() => packSourceFolder(dir));
    expect(unknown.code).toBe('PACKAGE_INVALID');
    expect(unknown.message).toMatch(new RegExp(`^${escape(path.join(dir, 'signing-key.pem'))}: unknown file`));
    fs.rmSync(path.join(dir, 'signing-key.pem'));

    fs.symlinkSync('/etc/passwd', path.join(dir, 'data', 'passwd.json'));
    const link = await refusal(() => readSourceFolder(dir));
    expect(link.message).toBe(`${path.join(dir, 'data', 'passwd.json')}: is a symbolic link; a source folder may not contain links`);
    fs.rmSync(path.join(dir, 'data', 'passwd.json'));

    expect((await refusal(() => readSourceFolder(path.join(tmp, 'nowhere')))).code).toBe('NOT_FOUND');
    expect(readSourceFolder(dir).objects).toHaveLength(3);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
