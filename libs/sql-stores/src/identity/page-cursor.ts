/** A `Page.next` / `PageRequest.after` value that is not one this store handed out. */
export class InvalidPageCursorError extends Error {
  override readonly name = 'InvalidPageCursorError';
  readonly code = 'invalid_cursor';
  constructor() {
    super('invalid page cursor: pass back the `next` value of the previous page unchanged');
  }
}

/** Opaque to callers: base64url of the JSON keyset position. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor into exactly the string fields named, each checked by its pattern. */
export function decodeCursor<Field extends string>(cursor: string, fields: Record<Field, RegExp>): Record<Field, string> {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageCursorError();
  }
  if (typeof position !== 'object' || position === null || Array.isArray(position)) throw new InvalidPageCursorError();
  const entries = Object.entries(position);
  if (entries.length !== Object.keys(fields).length) throw new InvalidPageCursorError();
  for (const [field, pattern] of Object.entries(fields) as [Field, RegExp][]) {
    const value = (position as Record<string, unknown>)[field];
    if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidPageCursorError();
  }
  return position as Record<Field, string>;
}
