// The strict JSON parser agrees with JSON.parse on valid input and refuses what JSON.parse lets through.
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseStrictJson } from './strict-json.js';
import { entryNameKey, entryNameProblem } from './entry-names.js';

const parse = (s: string): unknown => parseStrictJson(s, 64);
const error = (s: string, depth = 64): string => {
  try {
    parseStrictJson(s, depth);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e.message;
    throw e;
  }
  throw new Error(`accepted ${s}`);
};

describe('parseStrictJson', () => {
  it('agrees with JSON.parse on valid JSON', () => {
    const samples = [
      '{}',
      '[]',
      '0',
      '-0',
      '1.5e10',
      '-12.25E-3',
      'true',
      'false',
      'null',
      '""',
      '"esc: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"',
      ' { "a" : [ 1 , 2 , { "b" : null } ] , "c" : "ü" } ',
      JSON.stringify({ nested: { rows: [{ 'No.': 'V-1', n: 1e21, ok: true }] }, text: 'line\nbreak' }, null, 2),
    ];
    for (const s of samples) expect(parse(s)).toEqual(JSON.parse(s));
  });

  it('refuses what JSON.parse accepts silently, and malformed JSON, with line and column', () => {
    expect(error('{"a": 1, "a": 2}')).toBe('duplicate key "a" at line 1, column 10');
    expect(error('{"__proto__": {"admin": true}}')).toBe('the key "__proto__" is not allowed at line 1, column 2');
    expect(error('[[[1]]]', 2)).toBe('nesting deeper than 2 levels at line 1, column 3');
    expect(error('{\n  "a": 1,\n}')).toBe('unexpected "}", expected a property name in double quotes at line 3, column 1');
    expect(error('[1 2]')).toBe("unexpected \"2\", expected ',' or ']' at line 1, column 4");
    expect(error('"open')).toBe('unterminated string at line 1, column 1');
    expect(error('"tab\there"')).toBe('control character in a string at line 1, column 5');
    expect(error('"\\x"')).toBe('bad escape in a string at line 1, column 2');
    expect(error('01')).toBe('unexpected "1" after the JSON value at line 1, column 2');
    expect(error('1e999')).toBe('number out of range at line 1, column 1');
    expect(error('NaN')).toBe('unexpected "N", expected a value at line 1, column 1');
    expect(error('')).toBe('unexpected the end of the file, expected a value at line 1, column 1');
    expect(error('{} {}')).toBe('unexpected "{" after the JSON value at line 1, column 4');
  });
});

describe('entry names', () => {
  it('accepts ordinary package paths', () => {
    for (const n of ['app.json', 'objects/tables.json', 'data/Fleet Vehicle (2).json', 'objects/café/x.json', 'assets/logo-v1_2.png']) {
      expect(entryNameProblem(n)).toBeUndefined();
    }
    expect(entryNameProblem('objects/', true)).toBeUndefined();
  });

  it('folds case and Unicode normalization into one key', () => {
    expect(entryNameKey('Objects/CAFÉ.json')).toBe(entryNameKey('objects/cafe\u0301.json'));
    expect(entryNameKey('ﬁle.json')).toBe(entryNameKey('FILE.json'));
  });

  it('refuses names that could escape, confuse or collide', () => {
    const bad: [string, RegExp][] = [
      ['', /empty/],
      ['a/./b.json', /"\." segment/],
      ['a/b.json ', /ends with a dot or a space/],
      [' a.json', /starts with a space/],
      ['a*.json', /character "\*"/],
      ['ab:c.json', /character ":"/],
      ['x/'.repeat(20) + 'a.json', /nested deeper/],
      ['a'.repeat(401), /longer than 400/],
      ['a\u0085b', /control character/],
      ['lpt1.txt', /reserved device name/],
    ];
    for (const [name, why] of bad) expect(entryNameProblem(name)).toMatch(why);
  });
});
