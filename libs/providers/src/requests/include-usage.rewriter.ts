import { parseKeepingNumbers } from '../agentic/json-body';
import { isJsonObject, type JsonObject } from '../json-value';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const STREAM_OPTIONS = Buffer.from('"stream_options":{"include_usage":true}');
const STREAM_OPTIONS_AND_COMMA = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * A streaming chat body with `stream_options.include_usage = true`, nothing else changed. Usually that is a splice
 * right after the opening `{`, so every other byte (number formats, key order, whitespace) stays as sent. `parsed`
 * is the body as `inspectRequest` parsed it.
 */
export function withIncludeUsage(body: Buffer, parsed: JsonObject): Buffer {
  const options = parsed.stream_options;
  if (options === undefined) return spliceStreamOptions(body) ?? reserializeWithIncludeUsage(body);
  if (isJsonObject(options) && options.include_usage === true) return body;
  return reserializeWithIncludeUsage(body);
}

function spliceStreamOptions(body: Buffer): Buffer | undefined {
  const open = skipWhitespace(body, 0);
  if (body[open] !== OPEN_BRACE) return undefined;
  const afterOpen = open + 1;
  const insert = body[skipWhitespace(body, afterOpen)] === CLOSE_BRACE ? STREAM_OPTIONS : STREAM_OPTIONS_AND_COMMA;
  return Buffer.concat([body.subarray(0, afterOpen), insert, body.subarray(afterOpen)]);
}

function skipWhitespace(body: Buffer, from: number): number {
  let i = from;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  return i;
}

/**
 * The client sent `stream_options` without `include_usage: true`: merge it in and re-serialise. Numbers keep
 * their original text (JSON.parse source access + JSON.rawJSON), so a big `seed` is not rounded; only whitespace
 * may change.
 */
function reserializeWithIncludeUsage(body: Buffer): Buffer {
  const original = parseKeepingNumbers(body) ?? {};
  setIncludeUsage(original);
  return Buffer.from(JSON.stringify(original));
}

/** Sets `stream_options.include_usage = true` on a parsed chat body, keeping the client's other stream options. */
export function setIncludeUsage(body: JsonObject): void {
  const existing = body.stream_options;
  body.stream_options = { ...(isJsonObject(existing) ? existing : {}), include_usage: true };
}
