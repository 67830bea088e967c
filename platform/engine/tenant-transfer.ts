// Tenant files over a stream, for moves between deployments in different processes: receiving writes the stream
// into a temp file in the destination's tenants/ folder, hashing as it writes (one pass, then fsync), and hands it
// to Deployment.adoptTenantFile, which verifies and registers it; sending streams a dismounted tenant's file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { TenantryError } from '../../shared/api/errors.js';
import type { TenantSummary } from '../../shared/api/operations.js';
import type { Deployment } from './deployment.js';
import { removeDatabaseFiles } from './tenant-files.js';

/** A tenant file larger than this is refused while it arrives (a bound on what a peer can make us write). */
export const MAX_TENANT_FILE_BYTES = 256 * 1024 ** 3;
const WRITE_BATCH = 1 << 20;

export interface ReceivedFile {
  temp: string;
  sha256: string;
  size: number;
}

/**
 * Writes a stream into a new temp file of the deployment (newImportPath), hashing it on the way; fsyncs it. On any
 * failure (the sender vanished, too many bytes, a short body) the temp file is removed and the error thrown.
 */
export async function receiveToTempFile(
  d: Deployment,
  body: AsyncIterable<Uint8Array> & Partial<Pick<Readable, 'destroy'>>,
  opts: { expectedSize?: number; maxBytes?: number } = {},
): Promise<ReceivedFile> {
  const max = opts.maxBytes ?? MAX_TENANT_FILE_BYTES;
  const temp = d.newImportPath();
  const hash = crypto.createHash('sha256');
  let size = 0;
  const fh = await fs.promises.open(temp, 'wx');
  // Network chunks are small (16-64 KiB): gather them and write a mebibyte at a time.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    let off = 0;
    while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
  };
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > max || (opts.expectedSize !== undefined && size > opts.expectedSize)) {
        body.destroy?.();
        throw new TenantryError('BAD_INPUT', `the tenant file is larger than ${opts.expectedSize ?? max} bytes`, { limit: opts.expectedSize ?? max });
      }
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_BATCH) await flush();
    }
    await flush();
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new TenantryError('MOVE_FAILED', `the tenant file arrived with ${size} bytes, not the ${opts.expectedSize} announced`, {
        size,
        expected: opts.expectedSize,
      });
    }
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    removeDatabaseFiles(temp);
    throw e;
  }
  await fh.close();
  return { temp, sha256: hash.digest('hex'), size };
}

/** Receives a tenant file and stages it, dismounted (see Deployment.adoptTenantFile). */
export async function receiveTenantFile(
  d: Deployment,
  body: AsyncIterable<Uint8Array>,
  meta: { tenantId: string; sha256: string; size?: number; moveId?: string; actor?: string },
): Promise<TenantSummary> {
  const got = await receiveToTempFile(d, body, meta.size !== undefined ? { expectedSize: meta.size } : {});
  return d.adoptTenantFile(got.temp, {
    sha256: got.sha256,
    size: got.size,
    expectedSha256: meta.sha256,
    tenantId: meta.tenantId,
    ...(meta.moveId !== undefined ? { moveId: meta.moveId } : {}),
    ...(meta.actor !== undefined ? { actor: meta.actor } : {}),
  });
}

/** A dismounted tenant's file as a stream, with its size and SHA-256 (see Deployment.tenantFileForTransfer). */
export function sendTenantFile(d: Deployment, tenantId: string): { stream: Readable; size: number; sha256: string; tenantId: string } {
  const f = d.tenantFileForTransfer(tenantId);
  return { stream: fs.createReadStream(f.path, { highWaterMark: 1 << 20 }), size: f.size, sha256: f.sha256, tenantId: f.tenantId };
}
