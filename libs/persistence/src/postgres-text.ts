// Postgres rejects U+0000 in text and jsonb, and a lone UTF-16 surrogate (escaped by JSON.stringify) in the JSON the
// rows arrive in. A prompt or tool argument containing one must still be recorded (a rejected row would fail its
// whole batch on every retry), so each is replaced by U+FFFD, the replacement character.

/** A NUL, or a surrogate that is not half of a pair. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function toPostgresText(value: string): string {
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\uFFFD') : value;
}

/**
 * In JSON text: the escape of a NUL or of a surrogate (JSON.stringify escapes only lone ones), not itself an escaped
 * backslash followed by `u…`.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

export function toPostgresJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u') ? json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : json;
}

export function toPostgresNullableText(value: string | undefined): string | null {
  return value === undefined ? null : toPostgresText(value);
}
