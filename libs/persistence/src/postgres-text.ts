// Postgres rejects U+0000 in text and jsonb. A prompt or tool argument containing it must still be recorded (a
// rejected row would fail its whole batch on every retry), so it is replaced by U+FFFD, the replacement character.

export function toPostgresText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

export function toPostgresJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u0000') ? json.replaceAll('\\u0000', '\\ufffd') : json;
}

export function toPostgresNullableText(value: string | undefined): string | null {
  return value === undefined ? null : toPostgresText(value);
}
