// Hostile and broken packages: every one is refused with the expected error code and a message that names
// the package, the entry and the problem. The table is in test-support/hostile-cases.ts (the engine's publish
// tests use it too).
import { describe, expect, it } from 'vitest';
import { TenantryError } from '../../shared/api/errors.js';
import { readPackage } from './read-package.js';
import { HOSTILE_CASES, HOSTILE_KEY, signed } from './test-support/hostile-cases.js';
import { sampleFiles } from './test-support/sample-app.js';
import { zipFiles } from './test-support/zip-forge.js';

describe('hostile and broken packages', () => {
  it('has at least 30 HOSTILE_CASES with distinct names', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
  });

  it('the untouched sample package is accepted (so each refusal below is caused by its change)', () => {
    expect(readPackage(zipFiles(sampleFiles()), { verify: 'skip' }, 'hostile.app').definition.objects).toHaveLength(8);
    expect(
      readPackage(zipFiles(signed(sampleFiles())), { verify: 'require', trustedPublicKeys: [HOSTILE_KEY.publicKey] }, 'hostile.app').signature?.keyId,
    ).toBe(HOSTILE_KEY.keyId);
  });

  it.each(HOSTILE_CASES)('$name → $code', (c) => {
    const bytes = c.bytes();
    let caught: unknown;
    try {
      readPackage(bytes, { verify: 'skip', ...c.opts }, 'hostile.app');
    } catch (e) {
      caught = e;
    }
    expect(caught, 'the package must be refused').toBeInstanceOf(TenantryError);
    const err = caught as TenantryError;
    expect({ code: err.code, message: err.message }).toEqual({ code: c.code, message: expect.stringMatching(c.message) as unknown as string });
    expect(err.message.startsWith('hostile.app: ')).toBe(true);
    expect(err.details?.file).toBe('hostile.app');
  });
});
