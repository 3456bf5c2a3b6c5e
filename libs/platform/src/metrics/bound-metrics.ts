import type { Registry } from 'prom-client';

// Counters and histograms for the request path whose children are bound to their label values once, so that counting
// allocates nothing. prom-client's own children hash their label set on every call: measured, its counter and
// histogram were the largest allocation sites per request of the gateway. These register with a prom-client Registry
// as custom metrics and are read at scrape time, in the same text format.

interface MetricSample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

interface ScrapedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: MetricSample[];
}

export interface MetricDefinition<Label extends string> {
  name: string;
  help: string;
  labelNames: readonly Label[];
}

/** The children of one metric by their label values, in `labelNames` order. */
class Children<Child> {
  private readonly byKey = new Map<string, Child>();
  readonly all: Child[] = [];

  constructor(
    private readonly labelNames: readonly string[],
    private readonly create: (labels: Record<string, string>) => Child,
  ) {}

  get(values: readonly string[]): Child {
    const key = values.length === 1 ? values[0] : values.join('\u0000');
    let child = this.byKey.get(key);
    if (child === undefined) {
      if (values.length !== this.labelNames.length) throw new Error(`expected ${this.labelNames.length} label values, got ${values.length}`);
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, index) => (labels[name] = values[index]));
      child = this.create(labels);
      this.byKey.set(key, child);
      this.all.push(child);
    }
    return child;
  }
}

export class CounterChild {
  value = 0;

  constructor(readonly labels: Record<string, string>) {}

  inc(amount = 1): void {
    this.value += amount;
  }
}

export class BoundCounter<Label extends string> {
  readonly type = 'counter';
  readonly name: string;
  readonly help: string;
  private readonly children: Children<CounterChild>;

  constructor(registry: Registry, definition: MetricDefinition<Label>) {
    this.name = definition.name;
    this.help = definition.help;
    this.children = new Children(definition.labelNames, (labels) => new CounterChild(labels));
    if (definition.labelNames.length === 0) this.children.get([]); // an unlabelled metric is reported from the start, as 0
    registry.registerMetric(this as never);
  }

  /** The child for these label values, in `labelNames` order. */
  labels(...values: string[]): CounterChild {
    return this.children.get(values);
  }

  async get(): Promise<ScrapedMetric> {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      aggregator: 'sum',
      values: this.children.all.map((child) => ({ labels: child.labels, value: child.value })),
    };
  }
}

export class HistogramChild {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let index = 0;
    while (index < this.bounds.length && value > this.bounds[index]) index++;
    this.counts[index]++;
    this.sum += value;
    this.count++;
  }
}

export class BoundHistogram<Label extends string> {
  readonly type = 'histogram';
  readonly name: string;
  readonly help: string;
  private readonly children: Children<HistogramChild>;

  constructor(
    registry: Registry,
    definition: MetricDefinition<Label>,
    private readonly bounds: readonly number[],
  ) {
    this.name = definition.name;
    this.help = definition.help;
    this.children = new Children(definition.labelNames, (labels) => new HistogramChild(labels, bounds));
    if (definition.labelNames.length === 0) this.children.get([]); // an unlabelled metric is reported from the start, as 0
    registry.registerMetric(this as never);
  }

  /** The child for these label values, in `labelNames` order. */
  labels(...values: string[]): HistogramChild {
    return this.children.get(values);
  }

  async get(): Promise<ScrapedMetric> {
    const values: MetricSample[] = [];
    for (const child of this.children.all) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += child.counts[index];
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...child.labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...child.labels }, value: child.count });
      values.push({ metricName: `${this.name}_sum`, labels: child.labels, value: child.sum });
      values.push({ metricName: `${this.name}_count`, labels: child.labels, value: child.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}
