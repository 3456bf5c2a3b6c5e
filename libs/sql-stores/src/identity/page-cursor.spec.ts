import { decodeCursor, encodeCursor, InvalidPageCursorError } from './page-cursor';

describe('page cursors', () => {
  const fields = { at: /^\d{4}-/, id: /^[a-z]+$/ };

  it('round-trips a keyset position as an opaque url-safe string', () => {
    const cursor = encodeCursor({ at: '2026-01-05T09:00:00.000001Z', id: 'abc' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fields)).toEqual({ at: '2026-01-05T09:00:00.000001Z', id: 'abc' });
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['JSON that is not an object', Buffer.from('[1]').toString('base64url')],
    ['a missing field', encodeCursor({ at: '2026-01-05' })],
    ['an extra field', encodeCursor({ at: '2026-01-05', id: 'abc', more: 'x' })],
    ['a field of the wrong shape', encodeCursor({ at: 'yesterday', id: 'abc' })],
    ['a non-string field', Buffer.from(JSON.stringify({ at: '2026-01-05', id: 1 })).toString('base64url')],
  ])('rejects %s', (_label, cursor) => {
    expect(() => decodeCursor(cursor, fields)).toThrow(InvalidPageCursorError);
  });
});
