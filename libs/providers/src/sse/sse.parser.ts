export interface SseEvent {
  /** The `event:` field; absent for the default `message` type. */
  event?: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

/** A line or event longer than the parser's limit: the stream is cut rather than held in memory. */
export class SseEventTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`an upstream SSE event exceeds ${limit} bytes (server.upstream.maxEventBytes)`);
  }
}

const LF = 0x0a;
const SPACE = 0x20;

/**
 * Incremental Server-Sent Events parser (WHATWG event-stream rules) for a copy of an upstream stream. Chunks may
 * split anywhere, even inside a UTF-8 character or a CRLF pair. Each chunk is decoded once and scanned once: only
 * the unfinished last line is carried over, so long streams and huge events stay linear. A line, or an event's
 * data, longer than `maxEventSize` characters (never more than its bytes) throws SseEventTooLarge.
 */
export class SseParser {
  constructor(private readonly maxEventSize = Number.POSITIVE_INFINITY) {}

  private readonly decoder = new TextDecoder('utf-8');
  private partialLine = '';
  /** The previous chunk ended in CR: a LF starting the next chunk belongs to that line ending. */
  private skipLeadingLf = false;
  private eventName: string | undefined = undefined;
  private data = '';
  private hasData = false;

  push(chunk: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    this.consume(this.decoder.decode(chunk, { stream: true }), events);
    return events;
  }

  /**
   * Flushes the stream. Unlike a browser, an event whose blank line never came is still dispatched: an observer
   * would rather see a final event than lose it (truncated JSON simply fails to parse downstream).
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    this.consume(this.decoder.decode(), events);
    this.skipLeadingLf = false;
    if (this.partialLine !== '') {
      const line = this.partialLine;
      this.partialLine = '';
      this.processLine(line, events);
    }
    this.dispatch(events);
    return events;
  }

  private consume(text: string, events: SseEvent[]): void {
    let start = 0;
    if (this.skipLeadingLf && text.length > 0) {
      this.skipLeadingLf = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    let cr = text.indexOf('\r', start);
    let lf = text.indexOf('\n', start);
    while (cr !== -1 || lf !== -1) {
      let lineEnd: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        lineEnd = lf;
        next = lf + 1;
      } else {
        lineEnd = cr;
        next = cr + 1;
        if (next === text.length) this.skipLeadingLf = true;
        else if (text.charCodeAt(next) === LF) next++;
      }
      const line = this.partialLine === '' ? text.slice(start, lineEnd) : this.partialLine + text.slice(start, lineEnd);
      this.partialLine = '';
      this.processLine(line, events);
      start = next;
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    }
    if (start < text.length) this.partialLine += text.slice(start);
    if (this.partialLine.length > this.maxEventSize) throw new SseEventTooLarge(this.maxEventSize);
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line.length > this.maxEventSize) throw new SseEventTooLarge(this.maxEventSize);
    if (line === '') {
      this.dispatch(events);
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return; // comment
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = '';
    if (colon !== -1) value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    if (field === 'data') {
      this.data = this.hasData ? `${this.data}\n${value}` : value;
      this.hasData = true;
      if (this.data.length > this.maxEventSize) throw new SseEventTooLarge(this.maxEventSize);
    } else if (field === 'event') {
      this.eventName = value === '' ? undefined : value;
    }
    // `id`, `retry` and unknown fields do not matter to an observer.
  }

  private dispatch(events: SseEvent[]): void {
    if (this.hasData) events.push({ event: this.eventName, data: this.data });
    this.eventName = undefined;
    this.data = '';
    this.hasData = false;
  }
}
