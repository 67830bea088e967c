// A strict JSON parser for package files. JSON.parse keeps the last of two equal keys (so a signed or
// reviewed file could mean something else to another reader), accepts any nesting depth and reports
// positions only as offsets; this one refuses duplicate keys, "__proto__" keys and deep nesting, and names
// the line and column of every error.

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const PLAIN_STRING = /[^"\\\u0000-\u001f]*/y;

/** Parses `text` as JSON (RFC 8259), refusing duplicate keys, "__proto__" and nesting deeper than maxDepth. */
export function parseStrictJson(text: string, maxDepth: number): unknown {
  let i = 0;

  const fail = (message: string, at = i): never => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    throw new JsonSyntaxError(message, line, at - lineStart + 1);
  };

  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };

  const describe = (at: number): string => (at >= text.length ? 'the end of the file' : JSON.stringify(text[at]));

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      PLAIN_STRING.lastIndex = i;
      PLAIN_STRING.test(text);
      out += text.slice(i, PLAIN_STRING.lastIndex);
      i = PLAIN_STRING.lastIndex;
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in a string');
      // backslash escape
      const e = text[i + 1];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          fail('bad escape in a string');
      }
      i += 2;
    }
  };

  const parseValue = (depth: number): unknown => {
    skipWhitespace();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      return c === '{' ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c === '"') return parseString();
    if (c === 't' && text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (c === 'f' && text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (c === 'n' && text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0].length > 0) {
      i += m[0].length;
      const n = Number(m[0]);
      if (!Number.isFinite(n)) fail('number out of range', i - m[0].length);
      return n;
    }
    return fail(`unexpected ${describe(i)}, expected a value`);
  };

  const parseObject = (depth: number): Record<string, unknown> => {
    i++; // {
    const out: Record<string, unknown> = {};
    const keys = new Set<string>();
    skipWhitespace();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text[i] !== '"') fail(`unexpected ${describe(i)}, expected a property name in double quotes`);
      const keyAt = i;
      const key = parseString();
      if (key === '__proto__') fail('the key "__proto__" is not allowed', keyAt);
      if (keys.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      keys.add(key);
      skipWhitespace();
      if (text[i] !== ':') fail(`unexpected ${describe(i)}, expected ':'`);
      i++;
      out[key] = parseValue(depth);
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail(`unexpected ${describe(i)}, expected ',' or '}'`);
    }
  };

  const parseArray = (depth: number): unknown[] => {
    i++; // [
    const out: unknown[] = [];
    skipWhitespace();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(parseValue(depth));
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail(`unexpected ${describe(i)}, expected ',' or ']'`);
    }
  };

  const value = parseValue(0);
  skipWhitespace();
  if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
  return value;
}
