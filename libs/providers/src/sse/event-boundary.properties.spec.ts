import fc from 'fast-check';
import { EventBoundary } from './event-boundary';
import { SseParser, type SseEvent } from './sse.parser';

// Property-based tests (docs/fuzzing.md). fast-check prints the seed and path of any counterexample.
const RUNS = { numRuns: 500 };

const ADDED_EVENT = 'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream stream broke"}}\n\n';

/** Upstream bytes cut anywhere: inside a line, between a CR and its LF, between events. */
const relayedBytes = fc
  .array(fc.oneof(fc.constantFrom('data: ', 'event: x', '{"a":1}', '\n', '\r', '\r\n', '\n\n', '\r\r', ':c', 'é'), fc.string({ maxLength: 8 })), { maxLength: 30 })
  .map((pieces) => Buffer.from(pieces.join(''), 'utf8'));

function parse(bytes: Buffer): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(bytes), ...parser.end()];
}

describe('EventBoundary properties', () => {
  it('an event added after the terminator is parsed on its own, as the last event, whatever was relayed before', () => {
    fc.assert(
      fc.property(relayedBytes, fc.array(fc.nat(), { maxLength: 6 }), (bytes, offsets) => {
        const boundary = new EventBoundary();
        const cuts = [0, ...offsets.map((offset) => offset % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
        for (let i = 1; i < cuts.length; i++) boundary.observe(bytes.subarray(cuts[i - 1], cuts[i]));
        const events = parse(Buffer.concat([bytes, Buffer.from(boundary.terminator() + ADDED_EVENT)]));
        expect(events[events.length - 1]).toEqual({ event: 'error', data: '{"type":"error","error":{"type":"api_error","message":"upstream stream broke"}}' });
      }),
      RUNS,
    );
  });

  it('adds nothing between whole events, so a clean stream is never altered', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 }).map((text) => text.replace(/[\r\n]/g, '')), { maxLength: 5 }), fc.constantFrom('\n', '\r', '\r\n'), (lines, eol) => {
        const boundary = new EventBoundary();
        boundary.observe(Buffer.from(lines.map((line) => `data: ${line}${eol}${eol}`).join('')));
        expect(boundary.terminator()).toBe('');
      }),
      RUNS,
    );
  });

  it('regression (HTTP fuzz, seed 17005 case #359): a stream cut inside a data line', () => {
    const boundary = new EventBoundary();
    boundary.observe(Buffer.from('data: {"choices":[],"usage":{"prompt_tokens":3,"total_tok'));
    expect(boundary.terminator()).toBe('\n\n');
    boundary.observe(Buffer.from('data: {"a":1}\n'));
    expect(boundary.terminator()).toBe('\n');
    boundary.observe(Buffer.from('\r'));
    expect(boundary.isAtBoundary()).toBe(true);
  });
});
