// Publishing hostile or broken packages: each is refused with the package reader's error code, and nothing is
// written: the catalog, the tenants and the tenant databases stay as they were (only the refusal is logged).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CASES } from '../package/test-support/hostile-cases.js';
import { COMPANIES, coreV1, pkg, testDeployment, type TestDeployment } from './test-support/fixtures.js';

let t: TestDeployment;
const tenantFile = (): string => path.join(t.folder, 'tenants', 'acme.sqlite');
const digest = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(() => {
  t = testDeployment({ apps: [coreV1()], tenants: ['acme'] });
  t.d.install(['acme'], coreV1().manifest.id);
  t.d.insertRecord('acme', COMPANIES[0]!, 'Customer', { 'No.': 'C1', Name: 'Adatum' });
  t.d.dismount('acme');
});
afterAll(() => t.cleanup());

// Cases that shrink the reader's limits to stay small are exercised by the reader's own tests; here the deployment
// reads with its default limits, so every other case must be refused exactly as the reader refuses it.
const CASES = HOSTILE_CASES.filter((c) => c.opts?.limits === undefined);

describe('publish of hostile packages', () => {
  it('covers at least 25 cases at the default limits', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('refuses $name ($code) and writes nothing', (c) => {
    const catalogBefore = JSON.stringify(t.d.catalog());
    const tenantsBefore = JSON.stringify(t.d.listTenants());
    const fileBefore = digest(tenantFile());
    const packagesBefore = fs.readdirSync(t.folder).sort();
    const verify = c.opts?.verify ?? 'skip';
    let caught: unknown;
    try {
      t.d.publish(c.bytes(), {
        skipVerification: verify === 'skip',
        fileName: 'hostile.app',
        ...(c.opts?.trustedPublicKeys ? { trustedPublicKeys: c.opts.trustedPublicKeys } : {}),
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: c.code });
    expect(JSON.stringify(t.d.catalog())).toBe(catalogBefore);
    expect(JSON.stringify(t.d.listTenants())).toBe(tenantsBefore);
    expect(digest(tenantFile())).toBe(fileBefore);
    expect(fs.readdirSync(t.folder).sort()).toEqual(packagesBefore);
    expect(t.d.log({ limit: 1 })[0]).toMatchObject({ operation: 'app.publish', result: 'failed', errorCode: c.code });
  });

  it('still accepts a good package afterwards (the refusals left the deployment usable)', () => {
    expect(t.d.publish(pkg({ ...coreV1(), manifest: { ...coreV1().manifest, version: '1.0.0.1' } }), { skipVerification: true })).toMatchObject({
      status: 'published',
    });
  });
});
