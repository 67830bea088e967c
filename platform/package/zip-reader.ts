// A strict, synchronous zip reader for .app packages, on node:zlib only. JSZip and most readers trust the
// central directory, rewrite hostile names and inflate before checking sizes; this one checks the whole
// structure first (names, duplicates, file types, header agreement, entries tiling the file exactly, declared
// sizes against the limits) and only then inflates, with the output capped at the declared size.
import zlib from 'node:zlib';
import { TenantryError, type ErrorCode } from '../../shared/api/errors.js';
import { entryNameKey, entryNameProblem, printableName } from './entry-names.js';
import { RATIO_GRACE_BYTES, type PackageLimits } from './limits.js';

export interface ZipFileEntry {
  /** The entry's path inside the package, '/'-separated. */
  name: string;
  data: Buffer;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const FLAG_MASKED_HEADERS = 0x2000;
// Deflate option bits 1-2, data descriptor, UTF-8 names: everything else is refused.
const FLAGS_ALLOWED = 0x0002 | 0x0004 | FLAG_DESCRIPTOR | FLAG_UTF8;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;

const EXTRA_ZIP64 = 0x0001;
const EXTRA_AES = 0x9901;
const EXTRA_UNICODE_PATH = 0x7075;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const UNIX_HOSTS = new Set([3, 19]); // Unix, OS X
const DOS_VOLUME = 0x08;
const DOS_DIRECTORY = 0x10;
const DOS_DEVICE = 0x40;
const DOS_REPARSE_POINT = 0x400;

interface CentralEntry {
  index: number;
  label: string;
  name: string;
  nameBytes: Buffer;
  isDirectory: boolean;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Filled in once the local header has been read. */
  dataStart: number;
  end: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads every file of a zip held in memory, refusing anything unsafe or ambiguous. Folder entries are
 * checked and then dropped. Throws TenantryError PACKAGE_INVALID or PACKAGE_TOO_LARGE naming `label` and
 * the entry at fault.
 */
export function readZip(bytes: Uint8Array, limits: PackageLimits, label: string): ZipFileEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (code: ErrorCode, message: string, entry?: string): never => {
    throw new TenantryError(code, `${label}: ${message}`, entry === undefined ? { file: label } : { file: label, entry });
  };

  // --- the end-of-central-directory record ---------------------------------------------------------
  const len = buf.length;
  if (len === 0) fail('PACKAGE_INVALID', 'the file is empty, not a zip package');
  if (len > limits.maxPackageBytes) fail('PACKAGE_TOO_LARGE', `the package is ${len} bytes, over the limit of ${limits.maxPackageBytes}`);
  if (len < EOCD_SIZE) fail('PACKAGE_INVALID', `the file is ${len} bytes, too short to be a zip package`);
  let eocd = -1;
  for (let p = len - EOCD_SIZE; p >= Math.max(0, len - EOCD_SIZE - 0xffff); p--) {
    if (buf.readUInt32LE(p) === SIG_EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) {
    if (buf.readUInt32LE(0) === SIG_LOCAL) fail('PACKAGE_INVALID', 'the zip is truncated or damaged: no end-of-central-directory record');
    fail('PACKAGE_INVALID', 'the file is not a zip package (no end-of-central-directory record)');
  }
  const commentLength = buf.readUInt16LE(eocd + 20);
  const eocdEnd = eocd + EOCD_SIZE + commentLength;
  if (eocdEnd > len) fail('PACKAGE_INVALID', 'the zip is truncated: the end-of-central-directory record runs past the end of the file');
  if (eocdEnd < len) fail('PACKAGE_INVALID', `${len - eocdEnd} bytes of trailing data after the end-of-central-directory record`);
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === SIG_ZIP64_LOCATOR) fail('PACKAGE_INVALID', 'zip64 archives are not supported');
  const diskNumber = buf.readUInt16LE(eocd + 4);
  const cdDisk = buf.readUInt16LE(eocd + 6);
  const entriesOnDisk = buf.readUInt16LE(eocd + 8);
  const entryCount = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (entryCount === 0xffff || entriesOnDisk === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    fail('PACKAGE_INVALID', 'zip64 archives are not supported');
  }
  if (diskNumber !== 0 || cdDisk !== 0 || entriesOnDisk !== entryCount) fail('PACKAGE_INVALID', 'multi-disk (split or spanned) archives are not supported');
  if (entryCount > limits.maxEntries) fail('PACKAGE_TOO_LARGE', `the package has ${entryCount} entries, over the limit of ${limits.maxEntries}`);
  if (cdOffset + cdSize > eocd) fail('PACKAGE_INVALID', 'the central directory runs past the end-of-central-directory record (truncated or damaged zip)');
  if (cdOffset + cdSize < eocd)
    fail('PACKAGE_INVALID', `${eocd - cdOffset - cdSize} bytes of unaccounted data between the central directory and its end record`);

  // --- the central directory -----------------------------------------------------------------------
  const entries: CentralEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < entryCount; i++) {
    if (p + CENTRAL_SIZE > eocd || buf.readUInt32LE(p) !== SIG_CENTRAL) fail('PACKAGE_INVALID', `central directory entry #${i + 1} is missing or damaged`);
    const versionMadeBy = buf.readUInt16LE(p + 4);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const diskStart = buf.readUInt16LE(p + 34);
    const externalAttributes = buf.readUInt32LE(p + 38);
    const localOffset = buf.readUInt32LE(p + 42);
    const next = p + CENTRAL_SIZE + nameLength + extraLength + commentLen;
    if (next > eocd) fail('PACKAGE_INVALID', `central directory entry #${i + 1} runs past the end of the central directory`);
    const nameBytes = buf.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength);
    const extra = buf.subarray(p + CENTRAL_SIZE + nameLength, p + CENTRAL_SIZE + nameLength + extraLength);
    p = next;

    let name: string;
    const where = `central directory entry #${i + 1}`;
    // Non-ASCII names must be declared UTF-8: by the flag, or (as Info-ZIP does) by a Unicode Path field
    // that repeats the name, which checkExtraField verifies. Otherwise readers would decode them as CP437.
    if ((flags & FLAG_UTF8) === 0 && nameBytes.some((b) => b >= 0x80) && !hasExtraField(extra, EXTRA_UNICODE_PATH)) {
      fail('PACKAGE_INVALID', `${where}: the name has non-ASCII bytes but is not marked as UTF-8`);
    }
    try {
      name = utf8.decode(nameBytes);
    } catch {
      return fail('PACKAGE_INVALID', `${where}: the name is not valid UTF-8`);
    }
    const entryLabel = `entry ${printableName(name)}`;
    const bad = (message: string, code: ErrorCode = 'PACKAGE_INVALID'): never => fail(code, `${entryLabel}: ${message}`, name);

    if ((flags & FLAG_ENCRYPTED) !== 0 || (flags & FLAG_STRONG_ENCRYPTION) !== 0 || (flags & FLAG_MASKED_HEADERS) !== 0 || method === METHOD_AES) {
      bad('is encrypted; encrypted entries are not supported');
    }
    if ((flags & ~FLAGS_ALLOWED) !== 0) bad(`uses unsupported general-purpose flags 0x${flags.toString(16).padStart(4, '0')}`);
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) bad(`uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff || diskStart === 0xffff)
      bad('uses zip64 fields; zip64 is not supported');
    checkExtraField(extra, nameBytes, name, bad, 'central directory');
    if (diskStart !== 0) bad('starts on another disk; multi-disk archives are not supported');

    // File types: a Unix mode in the high 16 bits of the external attributes, DOS attributes in the low ones.
    const isDirectory = name.endsWith('/');
    const hostOs = versionMadeBy >>> 8;
    const unixMode = externalAttributes >>> 16;
    if (UNIX_HOSTS.has(hostOs) || unixMode !== 0) {
      const type = unixMode & S_IFMT;
      if (type === S_IFLNK) bad('is a symbolic link; links are not allowed in a package');
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
        bad(`is a special file (mode ${type.toString(8).padStart(6, '0')}: device, FIFO or socket); only regular files are allowed`);
      if (type === S_IFDIR && !isDirectory) bad('is marked as a folder but its name does not end with "/"');
      if (type === S_IFREG && isDirectory) bad('is marked as a regular file but its name ends with "/"');
    }
    const dos = externalAttributes & 0xffff;
    if ((dos & DOS_REPARSE_POINT) !== 0) bad('is a reparse point (a Windows link or junction); links are not allowed in a package');
    if ((dos & (DOS_VOLUME | DOS_DEVICE)) !== 0) bad('is a volume label or device entry; only regular files are allowed');
    if ((dos & DOS_DIRECTORY) !== 0 && !isDirectory) bad('is marked as a folder but its name does not end with "/"');

    const problem = entryNameProblem(name, isDirectory);
    if (problem !== undefined) bad(`unsafe name: ${problem}`);
    if (isDirectory && size !== 0) bad('is a folder entry with content');
    if (method === METHOD_STORED && compressedSize !== size) bad(`is stored but declares ${compressedSize} compressed and ${size} expanded bytes`);

    entries.push({ index: i, label: entryLabel, name, nameBytes, isDirectory, flags, method, crc, compressedSize, size, localOffset, dataStart: 0, end: 0 });
  }
  if (p !== eocd) fail('PACKAGE_INVALID', `the central directory holds ${eocd - p} bytes beyond its ${entryCount} declared entries`);

  // --- duplicates, also after case folding and Unicode normalization; a name both file and folder ----
  const exact = new Map<string, CentralEntry>();
  const folded = new Map<string, CentralEntry>();
  for (const e of entries) {
    const seen = exact.get(e.name);
    if (seen) fail('PACKAGE_INVALID', `${e.label}: duplicate entry (the name appears twice in the central directory)`, e.name);
    exact.set(e.name, e);
    const key = entryNameKey(e.isDirectory ? e.name.slice(0, -1) : e.name);
    const same = folded.get(key);
    if (same && !(same.isDirectory && e.isDirectory)) {
      fail('PACKAGE_INVALID', `${e.label} duplicates ${same.label} once case and Unicode normalization are folded`, e.name);
    }
    folded.set(key, e);
  }
  for (const e of entries) {
    const segments = entryNameKey(e.name).split('/');
    for (let k = 1; k < segments.length; k++) {
      const parent = folded.get(segments.slice(0, k).join('/'));
      if (parent && !parent.isDirectory) fail('PACKAGE_INVALID', `${parent.label} is a file, but ${e.label} uses it as a folder`, parent.name);
    }
  }

  // --- declared sizes against the limits, before inflating anything ---------------------------------
  let declaredTotal = 0;
  for (const e of entries) {
    if (e.size > limits.maxEntryBytes) {
      fail('PACKAGE_TOO_LARGE', `${e.label} declares ${e.size} expanded bytes, over the limit of ${limits.maxEntryBytes} per entry`, e.name);
    }
    declaredTotal += e.size;
    if (declaredTotal > limits.maxTotalBytes) {
      fail('PACKAGE_TOO_LARGE', `the entries expand to more than the limit of ${limits.maxTotalBytes} bytes in total (at ${e.label})`, e.name);
    }
    if (e.size > RATIO_GRACE_BYTES && e.size / Math.max(e.compressedSize, 1) > limits.maxRatio) {
      const ratio = Math.round(e.size / Math.max(e.compressedSize, 1));
      fail('PACKAGE_TOO_LARGE', `${e.label} expands ${ratio} times (${e.compressedSize} to ${e.size} bytes), over the limit of ${limits.maxRatio}`, e.name);
    }
  }

  // --- local headers: present, agreeing with the central directory, tiling the file exactly ----------
  for (const e of entries) {
    const lo = e.localOffset;
    if (lo + LOCAL_SIZE > cdOffset || buf.readUInt32LE(lo) !== SIG_LOCAL) {
      fail('PACKAGE_INVALID', `${e.label}: no local header at offset ${lo}`, e.name);
    }
    const localNameLength = buf.readUInt16LE(lo + 26);
    const localExtraLength = buf.readUInt16LE(lo + 28);
    e.dataStart = lo + LOCAL_SIZE + localNameLength + localExtraLength;
    e.end = e.dataStart + e.compressedSize;
    if (e.end > cdOffset) fail('PACKAGE_INVALID', `${e.label}: its data runs into the central directory (truncated or damaged zip)`, e.name);
    if ((e.flags & FLAG_DESCRIPTOR) !== 0) e.end += descriptorLength(buf, e, cdOffset, fail);
  }
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  let expected = 0;
  let previous: CentralEntry | undefined;
  for (const e of byOffset) {
    if (e.localOffset > expected) {
      if (!previous) fail('PACKAGE_INVALID', `${e.localOffset} bytes of data before the first entry (prepended data)`, e.name);
      fail('PACKAGE_INVALID', `${e.localOffset - expected} bytes of unaccounted data between ${previous?.label} and ${e.label}`, e.name);
    }
    if (e.localOffset < expected) fail('PACKAGE_INVALID', `${e.label} overlaps ${previous?.label ?? 'another entry'}`, e.name);
    expected = e.end;
    previous = e;
  }
  if (expected !== cdOffset) {
    fail('PACKAGE_INVALID', `${cdOffset - expected} bytes of unaccounted data between the last entry and the central directory`);
  }
  for (const e of entries) {
    const lo = e.localOffset;
    const bad = (what: string): never => fail('PACKAGE_INVALID', `${e.label}: the local header and the central directory disagree on ${what}`, e.name);
    const localNameLength = buf.readUInt16LE(lo + 26);
    const localExtraLength = buf.readUInt16LE(lo + 28);
    if (!buf.subarray(lo + LOCAL_SIZE, lo + LOCAL_SIZE + localNameLength).equals(e.nameBytes)) bad('the name');
    if (buf.readUInt16LE(lo + 6) !== e.flags) bad('the flags');
    if (buf.readUInt16LE(lo + 8) !== e.method) bad('the compression method');
    const deferred = (e.flags & FLAG_DESCRIPTOR) !== 0;
    const agrees = (offset: number, value: number): boolean => {
      const local = buf.readUInt32LE(lo + offset);
      return local === value || (deferred && local === 0);
    };
    if (!agrees(14, e.crc)) bad('the CRC-32');
    if (!agrees(18, e.compressedSize)) bad('the compressed size');
    if (!agrees(22, e.size)) bad('the expanded size');
    const localExtra = buf.subarray(lo + LOCAL_SIZE + localNameLength, lo + LOCAL_SIZE + localNameLength + localExtraLength);
    checkExtraField(localExtra, e.nameBytes, e.name, (m) => fail('PACKAGE_INVALID', `${e.label}: ${m}`, e.name), 'local header');
  }

  // --- inflate, capped at the declared size --------------------------------------------------------
  const files: ZipFileEntry[] = [];
  for (const e of entries) {
    const raw = buf.subarray(e.dataStart, e.dataStart + e.compressedSize);
    let data: Buffer;
    if (e.method === METHOD_STORED) {
      data = Buffer.from(raw);
    } else {
      let result: { buffer: Buffer; engine: zlib.InflateRaw };
      try {
        result = zlib.inflateRawSync(raw, { info: true, maxOutputLength: Math.max(e.size, 1) }) as unknown as { buffer: Buffer; engine: zlib.InflateRaw };
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          return fail('PACKAGE_TOO_LARGE', `${e.label} expands past its declared size of ${e.size} bytes`, e.name);
        }
        return fail('PACKAGE_INVALID', `${e.label}: the compressed data is damaged (${(err as Error).message})`, e.name);
      }
      data = result.buffer;
      if (result.engine.bytesWritten !== raw.length) {
        fail('PACKAGE_INVALID', `${e.label}: ${raw.length - result.engine.bytesWritten} bytes follow the end of its deflate stream`, e.name);
      }
    }
    if (data.length !== e.size) fail('PACKAGE_INVALID', `${e.label} expands to ${data.length} bytes, not the ${e.size} its headers declare`, e.name);
    if (zlib.crc32(data) >>> 0 !== e.crc) fail('PACKAGE_INVALID', `${e.label}: CRC-32 mismatch (the content does not match its checksum)`, e.name);
    if (!e.isDirectory) files.push({ name: e.name, data });
  }
  return files;
}

/**
 * Refuses extra fields that change how an entry is read (zip64, AES, an alternate Unicode name that is not
 * the entry's own name) and malformed ones. Other tools read the Info-ZIP Unicode Path field instead of the
 * name, so it is accepted only when it names the same file (JSZip and Info-ZIP write it for UTF-8 names).
 */
function checkExtraField(extra: Buffer, nameBytes: Buffer, name: string, bad: (message: string) => never, where: string): void {
  let q = 0;
  while (q < extra.length) {
    if (q + 4 > extra.length) bad(`the ${where} extra field is malformed`);
    const id = extra.readUInt16LE(q);
    const size = extra.readUInt16LE(q + 2);
    if (q + 4 + size > extra.length) bad(`the ${where} extra field is malformed`);
    if (id === EXTRA_ZIP64) bad(`has a zip64 extra field in its ${where}; zip64 is not supported`);
    if (id === EXTRA_AES) bad('is encrypted (AES); encrypted entries are not supported');
    if (id === EXTRA_UNICODE_PATH && !unicodePathAgrees(extra.subarray(q + 4, q + 4 + size), nameBytes, name)) {
      bad(`carries an alternate Unicode path in its ${where} extra field that differs from its name`);
    }
    q += 4 + size;
  }
}

function hasExtraField(extra: Buffer, wanted: number): boolean {
  for (let q = 0; q + 4 <= extra.length; q += 4 + extra.readUInt16LE(q + 2)) if (extra.readUInt16LE(q) === wanted) return true;
  return false;
}

/** Info-ZIP Unicode Path (0x7075): version 1, the CRC-32 of the header's name bytes, the name in UTF-8. */
function unicodePathAgrees(field: Buffer, nameBytes: Buffer, name: string): boolean {
  if (field.length < 5 || field[0] !== 1 || field.readUInt32LE(1) !== zlib.crc32(nameBytes) >>> 0) return false;
  try {
    return utf8.decode(field.subarray(5)) === name;
  } catch {
    return false;
  }
}

/** Length of the data descriptor after an entry's data: it must repeat the central directory's values. */
function descriptorLength(buf: Buffer, e: CentralEntry, limit: number, fail: (code: ErrorCode, message: string, entry?: string) => never): number {
  const at = e.end;
  const matches = (o: number): boolean =>
    o + 12 <= limit && buf.readUInt32LE(o) === e.crc && buf.readUInt32LE(o + 4) === e.compressedSize && buf.readUInt32LE(o + 8) === e.size;
  if (at + 4 <= limit && buf.readUInt32LE(at) === SIG_DESCRIPTOR && matches(at + 4)) return 16;
  if (matches(at)) return 12;
  return fail('PACKAGE_INVALID', `${e.label}: its data descriptor is missing or disagrees with the central directory`, e.name);
}
