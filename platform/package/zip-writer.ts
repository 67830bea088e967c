// Writes the zips of .app packages: deterministic (fixed timestamps, given order, no extra fields or
// comments), so packing the same files twice gives the same bytes, and so the same id+version published
// twice is recognised as identical. Entries are deflated when that makes them smaller, else stored.
import zlib from 'node:zlib';
import { TenantryError } from '../../shared/api/errors.js';

export interface ZipInputFile {
  name: string;
  data: Uint8Array;
}

// 1980-01-01 00:00:00, the earliest DOS date: the timestamp carries no information in a package.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, zip 2.0
const VERSION_NEEDED = 20;
const REGULAR_FILE_MODE = 0o100644;
const FLAG_UTF8 = 0x0800;

export function writeZip(files: readonly ZipInputFile[]): Buffer {
  // Without zip64 (which readers refuse) a zip holds at most 65,535 entries and 4 GiB.
  if (files.length > 0xfffe) throw new TenantryError('PACKAGE_TOO_LARGE', `a package cannot hold ${files.length} files`);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const data = Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const useDeflate = deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    const crc = zlib.crc32(data) >>> 0;
    if (offset + 30 + name.length + body.length > 0xfffffffe) throw new TenantryError('PACKAGE_TOO_LARGE', 'a package cannot be larger than 4 GiB');
    const flags = /[^\x20-\x7e]/.test(f.name) ? FLAG_UTF8 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(useDeflate ? 8 : 0, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(VERSION_MADE_BY, 4);
    cd.writeUInt16LE(VERSION_NEEDED, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(useDeflate ? 8 : 0, 10);
    cd.writeUInt16LE(DOS_TIME, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE((REGULAR_FILE_MODE << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);

    parts.push(local, name, body);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  if (offset + cdBytes.length > 0xfffffffe) throw new TenantryError('PACKAGE_TOO_LARGE', 'a package cannot be larger than 4 GiB');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(files.length, 8);
  eocd.writeUInt16LE(files.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, eocd]);
}
