const LF = 0x0a;
const CR = 0x0d;

const isLineEnd = (byte: number) => byte === LF || byte === CR;

/**
 * Follows the SSE bytes already sent to a client, so the gateway can add an event of its own (an error, a ping)
 * without gluing it onto an upstream event that was cut mid-way. Keeps only the last three bytes.
 */
export class EventBoundary {
  private tail = new Uint8Array(0);

  observe(chunk: Uint8Array): void {
    if (chunk.length >= 3) {
      this.tail = chunk.slice(chunk.length - 3);
      return;
    }
    const joined = new Uint8Array(this.tail.length + chunk.length);
    joined.set(this.tail);
    joined.set(chunk, this.tail.length);
    this.tail = joined.slice(Math.max(0, joined.length - 3));
  }

  /** True when nothing was sent yet or the bytes sent end with a blank line: a new event may start here. */
  isAtBoundary(): boolean {
    const n = this.tail.length;
    if (n === 0) return true;
    const last = this.tail[n - 1];
    if (!isLineEnd(last)) return false;
    const lastLineEnd = last === LF && n >= 2 && this.tail[n - 2] === CR ? 2 : 1;
    // Fewer bytes kept than the line ending needs: the stream began with this line ending (tails hold 3 bytes).
    return n === lastLineEnd || isLineEnd(this.tail[n - lastLineEnd - 1]);
  }

  /**
   * What to send before a new event so that it stands alone: nothing at a boundary; else the line ending(s) that
   * close the unfinished line and the open event (which the client then sees as it was, cut short). A LF after a
   * trailing CR would only complete that CR's line ending, hence two.
   */
  terminator(): string {
    if (this.isAtBoundary()) return '';
    return this.tail[this.tail.length - 1] === LF ? '\n' : '\n\n';
  }
}
