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

/** Client-chosen model names as label values, bounded per provider: every metric that carries a model uses one of these. */
export class ModelLabels {
  private readonly byProvider = new Map<string, BoundedLabelValues>();

  constructor(private readonly limitPerProvider = 100) {}

  valueFor(provider: string, model: string): string {
    let values = this.byProvider.get(provider);
    if (!values) {
      values = new BoundedLabelValues(this.limitPerProvider);
      this.byProvider.set(provider, values);
    }
    return values.valueFor(model);
  }
}
