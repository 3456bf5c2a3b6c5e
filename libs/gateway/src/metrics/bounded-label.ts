/**
 * Label values chosen by clients (model names) must not grow a metric without bound: the first `limit` distinct
 * values are kept as they are (cut to `maxLength`), every later one is reported as `other`.
 */
export class BoundedLabelValues {
  private readonly seen = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly maxLength = 64,
  ) {}

  valueFor(value: string): string {
    if (this.seen.has(value)) return value;
    if (value.length > this.maxLength || this.seen.size >= this.limit) return 'other';
    this.seen.add(value);
    return value;
  }
}
