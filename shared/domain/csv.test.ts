import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

// The one CSV writer of every export (archived rows, audit log, reports).
describe('csv', () => {
  it('quotes per RFC 4180', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\0x', '\rx']) expect(csvCell(s)).toBe(`"'${s}"`);
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });
  it('joins rows with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});
