// Reading a .app package: the zip (strictly), then its signature, then its contents. Synchronous, in memory,
// nothing written anywhere. Skip-verification logging is the caller's job (the engine passes 'skip').
import crypto from 'node:crypto';
import { TenantryError, isTenantryError } from '../../shared/api/errors.js';
import type { PackageInfo } from '../../shared/domain/app-definition.js';
import { definitionFromFiles, type Locator } from './package-contents.js';
import { resolveLimits, type PackageLimits } from './limits.js';
import { SIGNATURE_FILE, verifySignature } from './signature.js';
import { readZip } from './zip-reader.js';

export interface ReadOptions {
  /** 'require': an unsigned package is refused (SIGNATURE_MISSING). 'skip': unsigned is accepted. */
  verify: 'require' | 'skip';
  /** When given, the signer must be one of these keys (base64 raw Ed25519 keys or SPKI PEMs). */
  trustedPublicKeys?: string[];
  limits?: Partial<PackageLimits>;
}

export function packageLocator(fileLabel: string | undefined): Locator {
  return fileLabel === undefined ? { whole: 'the package', file: (name) => name } : { whole: fileLabel, file: (name) => `${fileLabel}: ${name}` };
}

/**
 * Reads, checks and (when it carries a signature, whatever `verify` says) verifies a package. A present
 * signature is always verified: 'skip' only allows a package without one. Throws TenantryError naming
 * the package (`fileLabel`), the entry and the field at fault; never returns a partly checked package.
 */
export function readPackage(bytes: Uint8Array, opts: ReadOptions, fileLabel?: string): PackageInfo {
  if (!(bytes instanceof Uint8Array)) throw new TenantryError('BAD_INPUT', 'readPackage needs the package bytes (a Uint8Array or Buffer)');
  if (opts.verify !== 'require' && opts.verify !== 'skip')
    throw new TenantryError('BAD_INPUT', `verify must be 'require' or 'skip', not ${String(opts.verify)}`);
  const limits = resolveLimits(opts.limits);
  const label = fileLabel ?? 'package';
  try {
    const files = readZip(bytes, limits, label);
    const signatureFile = files.find((f) => f.name === SIGNATURE_FILE);
    let signature: PackageInfo['signature'];
    if (signatureFile) {
      signature = verifySignature(signatureFile.data, files, opts.trustedPublicKeys, label);
    } else if (opts.verify === 'require') {
      throw new TenantryError(
        'SIGNATURE_MISSING',
        `${label}: the package is not signed (it has no ${SIGNATURE_FILE}); an unsigned package needs verification to be skipped explicitly`,
      );
    }
    const definition = definitionFromFiles(files, packageLocator(fileLabel), true);
    const info: PackageInfo = {
      definition,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      size: bytes.byteLength,
    };
    if (signature) info.signature = signature;
    return info;
  } catch (e) {
    // Every refusal carries the package it is about, for the console and scripts.
    if (isTenantryError(e) && e.details?.file === undefined) throw new TenantryError(e.code, e.message, { file: label, ...(e.details ?? {}) });
    throw e;
  }
}
