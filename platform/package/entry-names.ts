// Rules for the names of files inside a package (and of a source folder): relative, forward-slash paths
// of plain segments, nothing an extractor on any platform could resolve outside the package, and a key
// that makes names which differ only in case or Unicode normalization collide.
import { MAX_NAME_LENGTH, MAX_NAME_SEGMENTS } from './limits.js';

// Characters a segment may hold: letters, marks, digits and a few punctuation marks. Anything else
// ('%', ':', '*', quotes, fullwidth look-alikes of '.', '/' and '\') is refused outright, so encoded or
// look-alike spellings of '..' never reach a check that might miss them.
const SEGMENT_CHARS = /^[\p{L}\p{M}\p{N} ._\-+()@,~]+$/u;
// Windows device names, which some extractors map to devices whatever the extension.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Why a file name is not acceptable, or undefined when it is. `isDirectory` names end with '/'.
 * Checks the name as written and as NFKC would fold it, so fullwidth or compatibility spellings of
 * '.', '/' and '\' are caught too.
 */
export function entryNameProblem(name: string, isDirectory = false): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'the name contains a NUL or control character';
  if (name.includes('\\')) return 'the name contains a backslash';
  if (name.startsWith('/')) return 'the name is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'the name starts with a drive letter';
  const folded = name.normalize('NFKC');
  if (folded !== name) {
    if (folded.includes('\\') || folded.startsWith('/') || /^[A-Za-z]:/.test(folded) || folded.split('/').some((s) => s === '..' || s === '.')) {
      return 'the name spells a path escape in Unicode look-alike characters';
    }
  }
  const body = isDirectory ? name.slice(0, -1) : name;
  if (isDirectory && !name.endsWith('/')) return 'a folder name must end with "/"';
  const segments = body.split('/');
  if (segments.length > MAX_NAME_SEGMENTS) return `the name is nested deeper than ${MAX_NAME_SEGMENTS} folders`;
  for (const seg of segments) {
    if (seg === '') return 'the name has an empty path segment';
    if (seg === '..') return 'the name has a ".." segment';
    if (seg === '.') return 'the name has a "." segment';
    if (seg.endsWith('.') || seg.endsWith(' ')) return `segment "${seg}" ends with a dot or a space`;
    if (seg.startsWith(' ')) return `segment "${seg}" starts with a space`;
    if (!SEGMENT_CHARS.test(seg)) {
      const bad = [...seg].find((c) => !SEGMENT_CHARS.test(c)) ?? '?';
      return `segment "${seg}" contains the character ${describeChar(bad)}, which is not allowed`;
    }
    if (WINDOWS_DEVICE.test(seg)) return `segment "${seg}" is a reserved device name on Windows`;
  }
  return undefined;
}

/** The key under which two names count as the same file: Unicode compatibility-folded and case-folded. */
export function entryNameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp >= 0x20 && cp !== 0x7f ? `"${c}" (${hex})` : hex;
}

/** A name printable in an error message: control characters are shown as escapes. */
export function printableName(name: string): string {
  return JSON.stringify(name).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
