/** When a provider request arrived and when the first byte of its answer went out, for the latency histograms. */
export class RequestTiming {
  readonly startedAt = performance.now();
  private firstByteAt: number | undefined;

  /** Called where a response starts (its head is written); the first call counts. */
  markFirstByte(): void {
    this.firstByteAt ??= performance.now();
  }

  /** Seconds from arrival to the first byte; an answer written at once (its head and body together) counts whole. */
  firstByteSeconds(now: number): number {
    return ((this.firstByteAt ?? now) - this.startedAt) / 1000;
  }

  durationSeconds(now: number): number {
    return (now - this.startedAt) / 1000;
  }
}
