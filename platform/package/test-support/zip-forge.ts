// Test helper: a raw zip writer that can forge every header field, to build the hostile and broken
// packages the reader must refuse (mismatched headers, lying sizes, symlinks, prepended or trailing
// data, overlapping entries ...). Not used by production code.
import zlib from 'node:zlib';

export interface LocalOverrides {
  nameBytes?: Buffer;
  flags?: number;
  method?: number;
  crc?: number;
  compressedSize?: number;
  size?: number;
  extra?: Buffer;
}

export interface ForgeEntry {
  name: string;
  /** Raw name bytes for both headers (instead of UTF-8 of `name`). */
  nameBytes?: Buffer;
  /** The content, before compression. */
  data?: Buffer | string;
  /** Deflate the content (method 8); otherwise stored (method 0). */
  deflate?: boolean;
  /** The exact bytes after the local header (instead of the content or its deflation). */
  body?: Buffer;
  method?: number;
  flags?: number;
  crc?: number;
  compressedSize?: number;
  size?: number;
  versionMadeBy?: number;
  externalAttributes?: number;
  centralExtra?: Buffer;
  /** Values in the local header that differ from the central directory. */
  local?: LocalOverrides;
  /** Bytes written after the data (a data descriptor, or junk). */
  after?: Buffer;
  /** Only a central directory record, pointing at `localOffset`. */
  centralOnly?: boolean;
  localOffset?: number;
  diskStart?: number;
}

export interface ForgeOptions {
  prepend?: Buffer;
  /** Shift central directory offsets by the prepended length (as self-extracting archives do). Default true. */
  adjustForPrepend?: boolean;
  /** Bytes between the last entry and the central directory. */
  beforeCentral?: Buffer;
  /** Bytes between the central directory and the end record. */
  beforeEnd?: Buffer;
  append?: Buffer;
  comment?: Buffer;
  eocd?: Partial<{ diskNumber: number; cdDisk: number; entriesOnDisk: number; entryCount: number; cdSize: number; cdOffset: number; commentLength: number }>;
}

const toBuf = (d: Buffer | string | undefined): Buffer => (d === undefined ? Buffer.alloc(0) : typeof d === 'string' ? Buffer.from(d, 'utf8') : d);

interface Resolved {
  nameBytes: Buffer;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  body: Buffer;
}

function resolve(e: ForgeEntry): Resolved {
  const nameBytes = e.nameBytes ?? Buffer.from(e.name, 'utf8');
  const data = toBuf(e.data);
  const body = e.body ?? (e.deflate ? zlib.deflateRawSync(data) : data);
  return {
    nameBytes,
    method: e.method ?? (e.deflate ? 8 : 0),
    flags: e.flags ?? (nameBytes.some((b) => b >= 0x80) ? 0x0800 : 0),
    crc: e.crc ?? zlib.crc32(data) >>> 0,
    compressedSize: e.compressedSize ?? body.length,
    size: e.size ?? data.length,
    body,
  };
}

/** The local header, name, extra field, data and trailing bytes of one entry. */
export function localRecord(e: ForgeEntry): Buffer {
  const r = resolve(e);
  const l = e.local ?? {};
  const name = l.nameBytes ?? r.nameBytes;
  const extra = l.extra ?? Buffer.alloc(0);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(l.flags ?? r.flags, 6);
  h.writeUInt16LE(l.method ?? r.method, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0x21, 12);
  h.writeUInt32LE((l.crc ?? r.crc) >>> 0, 14);
  h.writeUInt32LE((l.compressedSize ?? r.compressedSize) >>> 0, 18);
  h.writeUInt32LE((l.size ?? r.size) >>> 0, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, name, extra, r.body, e.after ?? Buffer.alloc(0)]);
}

function centralRecord(e: ForgeEntry, offset: number): Buffer {
  const r = resolve(e);
  const extra = e.centralExtra ?? Buffer.alloc(0);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(e.versionMadeBy ?? (3 << 8) | 20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(r.flags, 8);
  h.writeUInt16LE(r.method, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE(0x21, 14);
  h.writeUInt32LE(r.crc >>> 0, 16);
  h.writeUInt32LE(r.compressedSize >>> 0, 20);
  h.writeUInt32LE(r.size >>> 0, 24);
  h.writeUInt16LE(r.nameBytes.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32);
  h.writeUInt16LE(e.diskStart ?? 0, 34);
  h.writeUInt16LE(0, 36);
  h.writeUInt32LE((e.externalAttributes ?? (0o100644 << 16) >>> 0) >>> 0, 38);
  h.writeUInt32LE((e.localOffset ?? offset) >>> 0, 42);
  return Buffer.concat([h, r.nameBytes, extra]);
}

/** A zip of `entries`, in order, with every field overridable. */
export function forgeZip(entries: readonly ForgeEntry[], opts: ForgeOptions = {}): Buffer {
  const prepend = opts.prepend ?? Buffer.alloc(0);
  const shift = opts.adjustForPrepend === false ? 0 : prepend.length;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    if (e.centralOnly) {
      centrals.push(centralRecord({ ...e, localOffset: (e.localOffset ?? 0) + shift }, 0));
      continue;
    }
    const rec = localRecord(e);
    centrals.push(centralRecord(e.localOffset === undefined ? e : { ...e, localOffset: e.localOffset + shift }, offset + shift));
    locals.push(rec);
    offset += rec.length;
  }
  const beforeCentral = opts.beforeCentral ?? Buffer.alloc(0);
  const cd = Buffer.concat(centrals);
  const beforeEnd = opts.beforeEnd ?? Buffer.alloc(0);
  const comment = opts.comment ?? Buffer.alloc(0);
  const o = opts.eocd ?? {};
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(o.diskNumber ?? 0, 4);
  end.writeUInt16LE(o.cdDisk ?? 0, 6);
  end.writeUInt16LE(o.entriesOnDisk ?? entries.length, 8);
  end.writeUInt16LE(o.entryCount ?? entries.length, 10);
  end.writeUInt32LE((o.cdSize ?? cd.length) >>> 0, 12);
  end.writeUInt32LE((o.cdOffset ?? offset + beforeCentral.length + shift) >>> 0, 16);
  end.writeUInt16LE(o.commentLength ?? comment.length, 20);
  return Buffer.concat([prepend, ...locals, beforeCentral, cd, beforeEnd, end, comment, opts.append ?? Buffer.alloc(0)]);
}

/** A plain, well-formed zip of these files (stored), in the given order. */
export function zipFiles(files: Record<string, Buffer | string>): Buffer {
  return forgeZip(Object.entries(files).map(([name, data]) => ({ name, data })));
}
