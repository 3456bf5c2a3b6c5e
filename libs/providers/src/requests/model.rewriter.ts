const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * The body with the string value of its top-level `model` member replaced by `model`; every other byte stays as sent
 * (key order, whitespace, number formats, nested `model` keys). A key spelled with escapes (`"mod\u0065l"`) is the
 * same key to a JSON parser, so it is replaced too; so is every top-level `model` member when a body repeats it.
 * Undefined when the body is not a JSON object with a top-level `model` string (the caller inspected it already).
 */
export function withModel(body: Buffer, model: string): Buffer | undefined {
  const spans = topLevelModelValues(body);
  if (spans === undefined || spans.length === 0) return undefined;
  const replacement = Buffer.from(JSON.stringify(model));
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end] of spans) {
    parts.push(body.subarray(from, start), replacement);
    from = end;
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}

/** [start, end) of each top-level `"model": "<string>"` value, quotes included; undefined when the body is not an object. */
function topLevelModelValues(body: Buffer): [number, number][] | undefined {
  let i = skipWhitespace(body, 0);
  if (body[i] !== OPEN_BRACE) return undefined;
  i++;
  const spans: [number, number][] = [];
  for (;;) {
    i = skipWhitespace(body, i);
    if (body[i] === CLOSE_BRACE) return spans;
    if (body[i] !== QUOTE) return undefined;
    const keyEnd = stringEnd(body, i);
    if (keyEnd === undefined) return undefined;
    const isModel = keyIsModel(body, i, keyEnd);
    i = skipWhitespace(body, keyEnd);
    if (body[i] !== COLON) return undefined;
    i = skipWhitespace(body, i + 1);
    const valueEnd = body[i] === QUOTE ? stringEnd(body, i) : valueEndOf(body, i);
    if (valueEnd === undefined) return undefined;
    if (isModel && body[i] === QUOTE) spans.push([i, valueEnd]);
    i = skipWhitespace(body, valueEnd);
    if (body[i] === COMMA) i++;
    else if (body[i] === CLOSE_BRACE) return spans;
    else return undefined;
  }
}

function keyIsModel(body: Buffer, start: number, end: number): boolean {
  const raw = body.subarray(start, end);
  if (raw.indexOf(BACKSLASH) === -1) return raw.toString('latin1') === '"model"';
  try {
    return JSON.parse(raw.toString('utf8')) === 'model';
  } catch {
    return false;
  }
}

/** The index after the closing quote of the string starting at `start`. */
function stringEnd(body: Buffer, start: number): number | undefined {
  for (let i = start + 1; i < body.length; i++) {
    if (body[i] === BACKSLASH) i++;
    else if (body[i] === QUOTE) return i + 1;
  }
  return undefined;
}

/** The index after a non-string value (object, array, number, literal) starting at `start`. */
function valueEndOf(body: Buffer, start: number): number | undefined {
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    const byte = body[i];
    if (byte === QUOTE) {
      const end = stringEnd(body, i);
      if (end === undefined) return undefined;
      i = end - 1;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (byte === COMMA || isWhitespace(byte))) return i;
  }
  return depth === 0 ? body.length : undefined;
}

function skipWhitespace(body: Buffer, from: number): number {
  let i = from;
  while (i < body.length && isWhitespace(body[i])) i++;
  return i;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
