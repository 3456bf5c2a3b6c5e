import fc from 'fast-check';
import { SseParser, type SseEvent } from './sse.parser';

// Property-based tests (docs/fuzzing.md). fast-check prints the seed and path of any counterexample.
const RUNS = { numRuns: 300 };

function parseChunks(chunks: Uint8Array[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return events.map((event) => (event.event === undefined ? { data: event.data } : { event: event.event, data: event.data }));
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed: empty chunks are legal too). */
function splitAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const cuts = [...offsets.map((offset) => offset % (bytes.length + 1))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** Text without line breaks, mixing ASCII, multi-byte characters, colons and spaces. */
const lineText = fc
  .string({ unit: fc.oneof(fc.constantFrom(':', ' ', 'é', '🌍', '世', '\uFEFF', '\u2028', '\0'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) })
  .map((text) => text.replace(/[\r\n]/g, ''));

/** Byte soup made of the pieces the parser cares about, so splits land on interesting boundaries. */
const sseLikeBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom('data:', 'data: ', 'event:', 'event: ', ':', 'id: 1', 'retry: 5', '\n', '\r', '\r\n', '\n\n', '\r\r', '\uFEFF', 'é', '🌍'),
      lineText,
    ),
    { maxLength: 60 },
  )
  .map((pieces) => Buffer.from(pieces.join(''), 'utf8'));

const lineEnding = fc.constantFrom('\n', '\r', '\r\n');

interface WrittenEvent {
  event?: string;
  dataLines: string[];
}

const writtenEvent: fc.Arbitrary<WrittenEvent> = fc.record(
  { event: lineText, dataLines: fc.array(lineText, { minLength: 1, maxLength: 4 }) },
  { requiredKeys: ['dataLines'] },
);

/** Serialises events the way an upstream may: any line ending, optional space after the colon, comments, ids. */
function writeStream(events: WrittenEvent[], eol: string, noise: boolean[]): string {
  let text = '';
  events.forEach((event, index) => {
    if (noise[index % noise.length]) text += `: keep-alive${eol}id: ${index}${eol}retry: 1000${eol}`;
    if (event.event !== undefined) text += `event: ${event.event}${eol}`;
    for (const line of event.dataLines) text += line.startsWith(' ') || line === '' ? `data: ${line}${eol}` : `data:${line}${eol}`;
    text += eol;
  });
  return text;
}

function expectedEvents(events: WrittenEvent[]): SseEvent[] {
  return events.map((event) => {
    const data = event.dataLines.join('\n');
    return event.event === undefined || event.event === '' ? { data } : { event: event.event, data };
  });
}

describe('SseParser properties', () => {
  it('gives the same events however the byte stream is split into chunks', () => {
    fc.assert(
      fc.property(sseLikeBytes, fc.array(fc.nat(), { maxLength: 12 }), (bytes, offsets) => {
        expect(parseChunks(splitAt(bytes, offsets))).toStrictEqual(parseChunks([bytes]));
      }),
      RUNS,
    );
  });

  it('gives the same events fed one byte at a time', () => {
    fc.assert(
      fc.property(sseLikeBytes, (bytes) => {
        expect(parseChunks(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toStrictEqual(parseChunks([bytes]));
      }),
      { numRuns: 100 },
    );
  });

  it('reads back exactly the events an upstream wrote, with any line ending and any split', () => {
    fc.assert(
      fc.property(
        fc.array(writtenEvent, { maxLength: 8 }),
        lineEnding,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (events, eol, noise, offsets) => {
          const bytes = Buffer.from(writeStream(events, eol, noise), 'utf8');
          expect(parseChunks(splitAt(bytes, offsets))).toStrictEqual(expectedEvents(events));
        },
      ),
      RUNS,
    );
  });

  it('still dispatches the last event of a stream cut before its blank line', () => {
    fc.assert(
      fc.property(fc.array(writtenEvent, { minLength: 1, maxLength: 5 }), lineEnding, (events, eol) => {
        const text = writeStream(events, eol, [false]);
        const truncated = Buffer.from(text.slice(0, text.length - eol.length), 'utf8');
        expect(parseChunks([truncated])).toStrictEqual(expectedEvents(events));
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary bytes, and no event name or data holds a CR; names hold no LF', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, offsets) => {
        for (const event of parseChunks(splitAt(bytes, offsets))) {
          expect(event.data).not.toContain('\r');
          expect(event.event ?? '').not.toMatch(/[\r\n]/);
        }
      }),
      RUNS,
    );
  });
});
