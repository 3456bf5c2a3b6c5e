import { SseEventTooLarge, SseParser, type SseEvent } from './sse.parser';

/** A stream exercising every rule: BOM, LF/CRLF/CR endings, multi-byte text, comments, ignored fields. */
const SAMPLE =
  '\uFEFF: keep-alive comment\n' +
  'retry: 3000\n' +
  'id: 1\n' +
  'event: message_start\n' +
  'data: {"type":"message_start","text":"héllo 🌍 世界"}\n' +
  '\n' +
  'data: first line\r\n' +
  'data:second line without space\r\n' +
  'data:  two spaces keep one\r\n' +
  'data\r\n' +
  '\r\n' +
  'event: ping\r' +
  'data: {"type": "ping"}\r' +
  '\r' +
  'event: no data, never dispatched\n' +
  '\n' +
  'event:\n' +
  'data: empty event name is the default\n' +
  '\n' +
  'unknown: field\n' +
  'data: [DONE]\n' +
  '\n';

const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"type":"message_start","text":"héllo 🌍 世界"}' },
  { data: 'first line\nsecond line without space\n two spaces keep one\n' },
  { event: 'ping', data: '{"type": "ping"}' },
  { data: 'empty event name is the default' },
  { data: '[DONE]' },
];

function parseChunks(chunks: Uint8Array[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return events;
}

/** Normalises `{event: undefined}` vs a missing key so results compare strictly. */
function plain(events: SseEvent[]): SseEvent[] {
  return events.map((event) => (event.event === undefined ? { data: event.data } : { event: event.event, data: event.data }));
}

describe('SseParser', () => {
  const bytes = Buffer.from(SAMPLE, 'utf8');

  it('parses the sample in one chunk', () => {
    expect(plain(parseChunks([bytes]))).toStrictEqual(EXPECTED);
  });

  it('gives the same events for every split into two chunks', () => {
    for (let i = 0; i <= bytes.length; i++) {
      const events = plain(parseChunks([bytes.subarray(0, i), bytes.subarray(i)]));
      if (JSON.stringify(events) !== JSON.stringify(EXPECTED)) throw new Error(`split at byte ${i} gave ${JSON.stringify(events)}`);
    }
  });

  it('gives the same events for every split into three chunks', () => {
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const events = plain(parseChunks([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]));
        if (JSON.stringify(events) !== JSON.stringify(EXPECTED)) throw new Error(`split at ${i},${j} gave ${JSON.stringify(events)}`);
      }
    }
  });

  it('gives the same events fed one byte at a time', () => {
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(plain(parseChunks(chunks))).toStrictEqual(EXPECTED);
  });

  it('returns events as soon as their blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push(Buffer.from('data: a\n'))).toEqual([]);
    expect(plain(parser.push(Buffer.from('\ndata: b')))).toStrictEqual([{ data: 'a' }]);
    expect(parser.push(Buffer.from('\n'))).toEqual([]);
    expect(plain(parser.push(Buffer.from('\n')))).toStrictEqual([{ data: 'b' }]);
    expect(parser.end()).toEqual([]);
  });

  it('a CR at the end of a chunk followed by LF is one line ending, not two', () => {
    const parser = new SseParser();
    const events = [...parser.push(Buffer.from('data: a\r')), ...parser.push(Buffer.from('\ndata: b\r\n\r\n'))];
    expect(plain(events)).toStrictEqual([{ data: 'a\nb' }]);
  });

  it('dispatches a final event whose blank line never came, and drops a lone event name', () => {
    expect(plain(parseChunks([Buffer.from('event: message_stop\ndata: {"type":"message_stop"}')]))).toStrictEqual([
      { event: 'message_stop', data: '{"type":"message_stop"}' },
    ]);
    expect(parseChunks([Buffer.from('event: x\n\n')])).toEqual([]);
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(plain(parseChunks([Buffer.from([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a])]))).toStrictEqual([{ data: '\uFFFD' }]);
  });

  it('stays linear for a huge event arriving in small chunks', () => {
    const payload = 'x'.repeat(4 * 1024 * 1024);
    const stream = Buffer.from(`data: ${payload}\n\n`);
    const parser = new SseParser();
    const events: SseEvent[] = [];
    const started = process.hrtime.bigint();
    for (let offset = 0; offset < stream.length; offset += 64) events.push(...parser.push(stream.subarray(offset, offset + 64)));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(events).toHaveLength(1);
    expect(events[0].data.length).toBe(payload.length);
    // 65 536 pushes; re-scanning the carried line on each push would take minutes.
    expect(elapsedMs).toBeLessThan(3000);
  });

  describe('maxEventSize', () => {
    it('throws once a line that has not ended grows past the limit (it is never held whole)', () => {
      const parser = new SseParser(100);
      expect(parser.push(Buffer.from('data: ' + 'a'.repeat(90)))).toEqual([]);
      expect(() => parser.push(Buffer.from('a'.repeat(20)))).toThrow(SseEventTooLarge);
    });

    it('throws for an event whose data lines together pass the limit', () => {
      const parser = new SseParser(100);
      const line = `data: ${'b'.repeat(60)}\n`;
      expect(() => parser.push(Buffer.from(line + line))).toThrow('an upstream SSE event exceeds 100 bytes');
    });

    it('passes events up to the limit', () => {
      const parser = new SseParser(100);
      const events = parser.push(Buffer.from(`data: ${'c'.repeat(94)}\n\ndata: ${'c'.repeat(94)}\n\n`));
      expect(events.map((event) => event.data.length)).toEqual([94, 94]);
    });
  });
});
