// Package signatures: Ed25519 (node:crypto) over a canonical manifest that lists every other file of the
// package with its size and SHA-256. Verification fails closed: a bad signature, an untrusted signer, a file
// added, removed or changed after signing all refuse the package. See docs/package-format.md, "Signature".
import crypto from 'node:crypto';
import { z } from 'zod';
import { TenantryError } from '../../shared/api/errors.js';
import { entryNameProblem } from './entry-names.js';
import { issueTexts, summarizeIssues } from './issues.js';
import { MAX_JSON_DEPTH } from './limits.js';
import { JsonSyntaxError, parseStrictJson } from './strict-json.js';

export const SIGNATURE_FILE = 'signature.json';
export const SIGNATURE_FORMAT = 'tenantry-signature-v1' as const;

export interface SigningKey {
  /** PKCS#8 PEM of the Ed25519 private key. Keep it secret. */
  privateKeyPem: string;
  /** The raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** First 16 hex digits of the SHA-256 of the raw public key. */
  keyId: string;
}

export interface SignedFile {
  name: string;
  data: Uint8Array;
}

const SignatureFileSchema = z
  .object({
    format: z.literal(SIGNATURE_FORMAT),
    algorithm: z.literal('Ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lower-case hex digits'),
    publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 Ed25519 public key (32 bytes)'),
    files: z
      .array(
        z
          .object({
            path: z.string().min(1).max(1000),
            size: z.number().int().min(0),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
          })
          .strict(),
      )
      .max(100_000),
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature (64 bytes)'),
  })
  .strict();
type SignatureFile = z.infer<typeof SignatureFileSchema>;

export function generateSigningKey(): SigningKey {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  return signingKeyFromPrivateKey(privateKey);
}

/** Rebuilds a SigningKey from its private key PEM (PKCS#8), e.g. read from a key file. */
export function signingKeyFromPem(privateKeyPem: string): SigningKey {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(privateKeyPem);
  } catch (e) {
    throw new TenantryError('BAD_INPUT', `the signing key is not a readable private key PEM (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new TenantryError('BAD_INPUT', `the signing key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`);
  return signingKeyFromPrivateKey(key);
}

function signingKeyFromPrivateKey(privateKey: crypto.KeyObject): SigningKey {
  const raw = rawPublicKey(crypto.createPublicKey(privateKey));
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: raw.toString('base64'),
    keyId: keyIdOf(raw),
  };
}

function rawPublicKey(key: crypto.KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TenantryError('BAD_INPUT', 'the key is not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

export function keyIdOf(rawPublicKeyBytes: Uint8Array): string {
  return crypto.createHash('sha256').update(rawPublicKeyBytes).digest('hex').slice(0, 16);
}

/** A trusted key given as base64 of the raw 32 bytes or as an SPKI PEM, as raw base64. */
export function normalizePublicKey(key: string): string {
  const text = key.trim();
  if (text.startsWith('-----BEGIN')) {
    try {
      return rawPublicKey(crypto.createPublicKey(text)).toString('base64');
    } catch (e) {
      throw new TenantryError('BAD_INPUT', `trusted public key is not a readable Ed25519 PEM (${(e as Error).message})`);
    }
  }
  const raw = Buffer.from(text, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== text) {
    throw new TenantryError('BAD_INPUT', `trusted public key "${text.slice(0, 60)}" is neither base64 of 32 bytes nor an SPKI PEM`);
  }
  return text;
}

const sha256 = (data: Uint8Array): string => crypto.createHash('sha256').update(data).digest('hex');
const byPathBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** The exact bytes that are signed: compact JSON, keys in this order, files sorted by the UTF-8 bytes of their path. */
function canonicalPayload(s: Omit<SignatureFile, 'signature'>): Buffer {
  const payload = {
    format: s.format,
    algorithm: s.algorithm,
    keyId: s.keyId,
    publicKey: s.publicKey,
    files: s.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
  };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

/** The content of signature.json for these files (every file of the package except signature.json itself). */
export function signFiles(files: readonly SignedFile[], key: SigningKey): Buffer {
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key.privateKeyPem);
  } catch (e) {
    throw new TenantryError('BAD_INPUT', `the signing key is not a readable private key PEM (${(e as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TenantryError('BAD_INPUT', 'the signing key is not an Ed25519 key');
  const derived = signingKeyFromPrivateKey(privateKey);
  if (derived.publicKey !== key.publicKey || derived.keyId !== key.keyId) {
    throw new TenantryError('BAD_INPUT', 'the signing key is inconsistent: its publicKey or keyId does not belong to its private key');
  }
  const listed = files
    .filter((f) => f.name !== SIGNATURE_FILE)
    .map((f) => ({ path: f.name, size: f.data.byteLength, sha256: sha256(f.data) }))
    .sort((a, b) => byPathBytes(a.path, b.path));
  const body = { format: SIGNATURE_FORMAT, algorithm: 'Ed25519' as const, keyId: derived.keyId, publicKey: derived.publicKey, files: listed };
  const signature = crypto.sign(null, canonicalPayload(body), privateKey).toString('base64');
  return Buffer.from(`${JSON.stringify({ ...body, signature }, null, 2)}\n`, 'utf8');
}

/**
 * Verifies signature.json against the package's other files. Returns the signer; throws SIGNATURE_INVALID
 * (naming the package and the file or field at fault) on any mismatch.
 */
export function verifySignature(
  signatureBytes: Uint8Array,
  files: readonly SignedFile[],
  trustedPublicKeys: readonly string[] | undefined,
  label: string,
): { publicKey: string; keyId: string } {
  const fail = (message: string, details: Record<string, unknown> = {}): never => {
    throw new TenantryError('SIGNATURE_INVALID', `${label}: ${SIGNATURE_FILE}: ${message}`, { file: label, entry: SIGNATURE_FILE, ...details });
  };
  let parsed: unknown;
  try {
    parsed = parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(signatureBytes), MAX_JSON_DEPTH);
  } catch (e) {
    return fail(e instanceof JsonSyntaxError ? `invalid JSON: ${e.message}` : 'not valid UTF-8');
  }
  const shape = SignatureFileSchema.safeParse(parsed);
  if (!shape.success) {
    return fail(summarizeIssues(issueTexts(shape.error.issues)));
  }
  const s = shape.data;
  const raw = Buffer.from(s.publicKey, 'base64');
  if (keyIdOf(raw) !== s.keyId) fail(`keyId ${s.keyId} does not belong to the public key`);
  let publicKey: crypto.KeyObject;
  try {
    publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    return fail('publicKey is not a valid Ed25519 key');
  }
  let ok = false;
  try {
    ok = crypto.verify(null, canonicalPayload(s), publicKey, Buffer.from(s.signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) fail(`the signature does not verify with key ${s.keyId} (the signed file list was altered, or signed by another key)`);
  if (trustedPublicKeys !== undefined) {
    const trusted = new Set(trustedPublicKeys.map(normalizePublicKey));
    if (!trusted.has(s.publicKey)) fail(`signed by key ${s.keyId}, which is not one of the trusted keys`, { keyId: s.keyId });
  }

  // The list must name exactly the package's other files, in canonical order, with their size and hash.
  for (let k = 0; k < s.files.length; k++) {
    const f = s.files[k]!;
    const problem = entryNameProblem(f.path);
    if (problem !== undefined || f.path === SIGNATURE_FILE) fail(`files[${k}]: path ${JSON.stringify(f.path)} is not a valid package file name`);
    if (k > 0 && byPathBytes(s.files[k - 1]!.path, f.path) >= 0) fail(`files[${k}]: "${f.path}" is out of order or listed twice`);
  }
  const listed = new Map(s.files.map((f) => [f.path, f]));
  const present = new Set<string>();
  for (const file of files) {
    if (file.name === SIGNATURE_FILE) continue;
    present.add(file.name);
    const entry = listed.get(file.name);
    if (!entry) fail(`${file.name} is in the package but not listed in the signature`, { path: file.name });
    if (entry!.size !== file.data.byteLength) {
      fail(`${file.name} is ${file.data.byteLength} bytes but was ${entry!.size} bytes when signed`, { path: file.name });
    }
    if (entry!.sha256 !== sha256(file.data)) fail(`${file.name} was changed after signing (its SHA-256 differs)`, { path: file.name });
  }
  for (const f of s.files) if (!present.has(f.path)) fail(`${f.path} is listed in the signature but missing from the package`, { path: f.path });
  return { publicKey: s.publicKey, keyId: s.keyId };
}
