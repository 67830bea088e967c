// Round trips (write → read, sign → verify, tamper → refused), interoperability with zips written by other
// tools, robustness against single-byte damage, and the small public helpers.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { TenantryError } from '../../shared/api/errors.js';
import { AppDefinitionSchema } from '../../shared/domain/app-definition.js';
import { DEFAULT_LIMITS, generateSigningKey, normalizePublicKey, packageFileName, readPackage, signingKeyFromPem, writePackage } from './index.js';
import { readZip } from './zip-reader.js';
import { sampleDefinition, sampleFiles, sampleManifest } from './test-support/sample-app.js';
import { zipFiles } from './test-support/zip-forge.js';

function refusal(run: () => unknown): TenantryError {
  try {
    run();
  } catch (e) {
    if (e instanceof TenantryError) return e;
    throw new Error(`expected a TenantryError, got ${String(e)}`);
  }
  throw new Error('expected a refusal, but it was accepted');
}

/** The package's files, rewritten as a fresh, well-formed zip after `change` (so zip checks pass). */
function rezip(bytes: Uint8Array, change: (files: Record<string, Buffer>) => void): Buffer {
  const files: Record<string, Buffer> = {};
  for (const f of readZip(bytes, DEFAULT_LIMITS, 'x')) files[f.name] = f.data;
  change(files);
  return zipFiles(files);
}

describe('writePackage → readPackage', () => {
  it('gives back the same definition, with defaults applied', () => {
    const def = sampleDefinition();
    const info = readPackage(writePackage(def), { verify: 'skip' }, 'Fleet.app');
    expect(info.definition).toEqual(AppDefinitionSchema.parse(def));
    expect(info.signature).toBeUndefined();
    expect(info.size).toBeGreaterThan(0);
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets a table of its own number its fields freely, as Business Central does (only added fields need the id range)', () => {
    const def = sampleDefinition();
    const table = def.objects.find((o) => o.type === 'table');
    if (!table || table.type !== 'table') throw new Error('sample has no table');
    table.fields = table.fields.map((f, i) => ({ ...f, id: i + 1 }));
    const info = readPackage(writePackage(def), { verify: 'skip' });
    const read = info.definition.objects.find((o) => o.type === 'table');
    expect(read && read.type === 'table' ? read.fields.map((f) => f.id) : []).toEqual(table.fields.map((_, i) => i + 1));
  });

  it('is deterministic: the same definition and key give the same bytes', () => {
    const key = generateSigningKey();
    expect(writePackage(sampleDefinition()).equals(writePackage(sampleDefinition()))).toBe(true);
    expect(writePackage(sampleDefinition(), { signingKey: key }).equals(writePackage(sampleDefinition(), { signingKey: key }))).toBe(true);
  });

  it('reads the package files written by hand the same way (objects split over files, sorted by path)', () => {
    const info = readPackage(zipFiles(sampleFiles()), { verify: 'skip' });
    expect(info.definition.manifest).toEqual(AppDefinitionSchema.parse(sampleDefinition()).manifest);
    expect(info.definition.objects.map((o) => `${o.type} ${o.id}`).sort()).toEqual(
      AppDefinitionSchema.parse(sampleDefinition())
        .objects.map((o) => `${o.type} ${o.id}`)
        .sort(),
    );
  });

  it('carries README.md and a logo listed in the manifest', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const def = sampleDefinition();
    def.manifest.logo = 'assets/logo.png';
    const bytes = writePackage(def, { files: { 'README.md': '# Fleet\n', 'assets/logo.png': png } });
    const names = readZip(bytes, DEFAULT_LIMITS, 'x').map((f) => f.name);
    expect(names).toEqual(['app.json', 'README.md', 'objects/objects.json', 'data/0001-Fleet-Vehicle.json', 'data/0002-Customer.json', 'assets/logo.png']);
    expect(readPackage(bytes, { verify: 'skip' }).definition.manifest.logo).toBe('assets/logo.png');
    expect(refusal(() => writePackage(sampleDefinition(), { files: { 'assets/logo.png': png } })).message).toMatch(/assets\/logo\.png: unknown file/);
    expect(refusal(() => writePackage(sampleDefinition(), { files: { 'objects/x.json': '[]' } })).code).toBe('BAD_INPUT');
  });

  it('refuses an invalid definition with the package checks, naming the object', () => {
    const badManifest = sampleDefinition();
    (badManifest.manifest as { version: string }).version = '1.0';
    expect(refusal(() => writePackage(badManifest))).toMatchObject({
      code: 'MANIFEST_INVALID',
      message: expect.stringMatching(/^app\.json: version: must be a four-part version/) as unknown,
    });
    const badObject = sampleDefinition();
    (badObject.objects[0] as { fields: unknown[] }).fields = [{ id: 50100, name: 'No.', type: 'Code' }];
    expect(refusal(() => writePackage(badObject))).toMatchObject({
      code: 'OBJECT_INVALID',
      message: expect.stringMatching(/^objects\[0\] \(table "Fleet Vehicle"\): fields\[0\]\.length: Code field "No\." needs a length/) as unknown,
    });
    const outOfRange = sampleDefinition();
    (outOfRange.objects[2] as { id: number }).id = 7;
    expect(refusal(() => writePackage(outOfRange))).toMatchObject({
      code: 'ID_OUT_OF_RANGE',
      message: expect.stringMatching(/page id 7 is outside the idRanges/) as unknown,
    });
  });
});

describe('signatures', () => {
  const key = generateSigningKey();

  it('sign → verify: the signer is reported and may be required to be trusted', () => {
    const bytes = writePackage(sampleDefinition(), { signingKey: key });
    const info = readPackage(bytes, { verify: 'require', trustedPublicKeys: [key.publicKey] }, 'Fleet.app');
    expect(info.signature).toEqual({ publicKey: key.publicKey, keyId: key.keyId });
    // A present signature is verified with 'skip' too, and reported.
    expect(readPackage(bytes, { verify: 'skip' }).signature?.keyId).toBe(key.keyId);
    // Trusted keys may be given as SPKI PEM.
    const pem = crypto.createPublicKey(key.privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    expect(normalizePublicKey(pem)).toBe(key.publicKey);
    expect(readPackage(bytes, { verify: 'require', trustedPublicKeys: [pem] }).signature?.publicKey).toBe(key.publicKey);
  });

  it('a key survives a round trip through its PEM', () => {
    expect(signingKeyFromPem(key.privateKeyPem)).toEqual(key);
    expect(key.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(refusal(() => signingKeyFromPem(rsa)).code).toBe('BAD_INPUT');
    expect(refusal(() => writePackage(sampleDefinition(), { signingKey: { ...key, publicKey: generateSigningKey().publicKey } })).message).toMatch(
      /inconsistent/,
    );
  });

  it('tampering with one byte of one file is refused', () => {
    const bytes = writePackage(sampleDefinition(), { signingKey: key });
    const tampered = rezip(bytes, (files) => {
      const data = Buffer.from(files['objects/objects.json']!);
      data[data.indexOf('Fleet Vehicle')] = 'f'.charCodeAt(0);
      files['objects/objects.json'] = data;
    });
    const err = refusal(() => readPackage(tampered, { verify: 'require' }, 'Fleet.app'));
    expect(err.code).toBe('SIGNATURE_INVALID');
    expect(err.message).toBe('Fleet.app: signature.json: objects/objects.json was changed after signing (its SHA-256 differs)');
    // The same tampered package is refused with 'skip' too: a signature that is present must hold.
    expect(refusal(() => readPackage(tampered, { verify: 'skip' })).code).toBe('SIGNATURE_INVALID');
  });

  it('stripping the signature leaves a package that verify "require" refuses', () => {
    const stripped = rezip(writePackage(sampleDefinition(), { signingKey: key }), (files) => delete files['signature.json']);
    expect(refusal(() => readPackage(stripped, { verify: 'require' })).code).toBe('SIGNATURE_MISSING');
    expect(readPackage(stripped, { verify: 'skip' }).signature).toBeUndefined();
  });

  it('every single-byte change of a signed package is refused or leaves the definition unchanged', () => {
    const bytes = writePackage(sampleDefinition(), { signingKey: key });
    const expected = readPackage(bytes, { verify: 'require' }).definition;
    let refused = 0;
    // Every byte position, each XOR-ed with a fixed pattern: never a crash, never a different definition.
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x5a;
      try {
        const info = readPackage(copy, { verify: 'require', trustedPublicKeys: [key.publicKey] });
        expect(info.definition).toEqual(expected);
      } catch (e) {
        expect(e).toBeInstanceOf(TenantryError);
        refused++;
      }
    }
    // Only bytes nothing depends on (the DOS timestamps, 'version needed') may change unnoticed.
    expect(refused).toBeGreaterThan(bytes.length * 0.9);
  });

  it('every truncation of a package is refused', () => {
    const bytes = writePackage(sampleDefinition(), { signingKey: key });
    for (let n = 0; n < bytes.length; n += 7) {
      expect(() => readPackage(bytes.subarray(0, n), { verify: 'skip' })).toThrow(TenantryError);
    }
  });
});

describe('interoperability', () => {
  it('reads packages zipped by JSZip, with and without data descriptors, and JSZip reads ours', async () => {
    for (const streamFiles of [false, true]) {
      const zip = new JSZip();
      for (const [name, data] of Object.entries(sampleFiles())) zip.file(name, data);
      const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', streamFiles });
      expect(readPackage(bytes, { verify: 'skip' }).definition.objects).toHaveLength(8);
    }
    const ours = await JSZip.loadAsync(writePackage(sampleDefinition(), { signingKey: generateSigningKey() }));
    expect(Object.keys(ours.files)).toContain('signature.json');
    expect(JSON.parse(await ours.file('app.json')!.async('string'))).toMatchObject({ name: 'Fleet Management' });
  });

  it('reads JSZip packages with non-ASCII names (Unicode Path field) and a zip comment', async () => {
    const zip = new JSZip();
    for (const [name, data] of Object.entries(sampleFiles())) zip.file(name === 'objects/tables.json' ? 'objects/tablés.json' : name, data);
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', comment: 'built by JSZip' });
    expect(bytes.subarray(-14).toString()).toBe('built by JSZip');
    expect(readZip(bytes, DEFAULT_LIMITS, 'x').map((f) => f.name)).toContain('objects/tablés.json');
    expect(readPackage(bytes, { verify: 'skip' }).definition.objects).toHaveLength(8);
  });

  it('reads a package zipped by Info-ZIP zip (extra fields, Unix modes, folder entries)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-infozip-'));
    try {
      for (const [name, data] of Object.entries(sampleFiles())) {
        fs.mkdirSync(path.dirname(path.join(dir, 'src', name)), { recursive: true });
        fs.writeFileSync(path.join(dir, 'src', name), data);
      }
      execFileSync('zip', ['-q', '-r', path.join(dir, 'fleet.app'), '.'], { cwd: path.join(dir, 'src') });
      const info = readPackage(fs.readFileSync(path.join(dir, 'fleet.app')), { verify: 'skip' });
      expect(info.definition.objects).toHaveLength(8);
      // ... and Info-ZIP's unzip accepts what we write.
      fs.writeFileSync(path.join(dir, 'ours.app'), writePackage(sampleDefinition(), { signingKey: generateSigningKey() }));
      expect(execFileSync('unzip', ['-t', path.join(dir, 'ours.app')]).toString()).toMatch(/No errors detected/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores folder entries', async () => {
    const zip = new JSZip();
    zip.folder('objects');
    zip.folder('data');
    for (const [name, data] of Object.entries(sampleFiles())) zip.file(name, data);
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(readZip(bytes, DEFAULT_LIMITS, 'x').some((f) => f.name.endsWith('/'))).toBe(false);
    expect(readPackage(bytes, { verify: 'skip' }).definition.objects).toHaveLength(8);
  });
});

describe('helpers', () => {
  it('packageFileName uses safe characters only', () => {
    expect(packageFileName({ publisher: 'Contoso', name: 'Fleet Management', version: '1.2.0.0' })).toBe('Contoso_Fleet-Management_1.2.0.0.app');
    expect(packageFileName({ publisher: 'Contoso Ltd.', name: '../../etc/passwd', version: '1.0.0.0' })).toBe('Contoso-Ltd_etc-passwd_1.0.0.0.app');
    expect(packageFileName({ publisher: 'Société Générale', name: 'Café_Crème', version: '2.0.0.1' })).toBe('Societe-Generale_Cafe-Creme_2.0.0.1.app');
    expect(packageFileName({ publisher: '***', name: '東京', version: '1.0.0.0' })).toBe('app_app_1.0.0.0.app');
    expect(packageFileName(sampleManifest() as { publisher: string; name: string; version: string })).toMatch(/^[A-Za-z0-9.-]+_[A-Za-z0-9.-]+_[0-9.]+\.app$/);
  });

  it('limits must be positive numbers', () => {
    expect(refusal(() => readPackage(zipFiles(sampleFiles()), { verify: 'skip', limits: { maxEntries: -1 } })).code).toBe('BAD_INPUT');
    expect(refusal(() => readPackage(zipFiles(sampleFiles()), { verify: 'sometimes' as 'skip' })).code).toBe('BAD_INPUT');
  });

  it('messages without a file label start with the entry name', () => {
    const bytes = zipFiles({ ...sampleFiles(), 'app.json': JSON.stringify({ ...sampleManifest(), idRanges: [{ from: 5, to: 2 }] }) });
    const err = refusal(() => readPackage(bytes, { verify: 'skip' }));
    expect(err.message).toBe('app.json: idRanges[0]: from must not be greater than to');
    expect(err.details).toMatchObject({ file: 'package', entry: 'app.json' });
  });
});
