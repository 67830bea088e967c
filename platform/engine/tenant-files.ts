// File-level helpers for tenant databases: hashing, copying with fsync, removing a database with its -wal/-shm.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const CHUNK = 1 << 20;

export function sha256File(file: string): { sha256: string; size: number } {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: hash.digest('hex'), size };
}

/** Copies src to dst (which must not exist), hashing what it reads, and fsyncs dst before returning. */
export function copyWithSha256(src: string, dst: string): { sha256: string; size: number } {
  const hash = crypto.createHash('sha256');
  const input = fs.openSync(src, 'r');
  let output: number | undefined;
  let size = 0;
  try {
    output = fs.openSync(dst, 'wx');
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = fs.readSync(input, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(output, buf, off, n - off);
      size += n;
    }
    fs.fsyncSync(output);
  } finally {
    fs.closeSync(input);
    if (output !== undefined) fs.closeSync(output);
  }
  return { sha256: hash.digest('hex'), size };
}

/** fsync a directory so a rename in it survives a power cut (no-op where directories cannot be opened). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot fsync directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function removeDatabaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}

export function databaseFileSize(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      n += fs.statSync(f).size;
    } catch {
      // missing -wal is normal
    }
  }
  return n;
}

export function tenantFileName(dir: string, tenantId: string): string {
  return path.join(dir, `${tenantId}.sqlite`);
}
