/** One sample line of the Prometheus text exposition format. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = value.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `labels`; 0 when there is none. */
export function metricValue(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of samples) {
    if (sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
  }
  return total;
}

/**
 * The `q` quantile (0..1) of a histogram as the upper bound of the bucket it falls in, counting only the
 * observations made after `baseline` (an earlier scrape). Undefined when nothing was observed in between;
 * Infinity when it falls past the last finite bucket.
 */
export function histogramQuantile(
  samples: readonly MetricSample[],
  name: string,
  q: number,
  baseline: readonly MetricSample[] = [],
): number | undefined {
  const delta = bucketIncrease(histogramBuckets(samples, name), histogramBuckets(baseline, name));
  const total = delta.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  return delta.find((bucket) => bucket.count >= q * total)?.le;
}

/** One cumulative histogram bucket: observations ≤ `le` (seconds for the latency histograms). */
export interface HistogramBucket {
  le: number;
  count: number;
}

/**
 * The cumulative buckets of histogram `name` over every series whose labels include `labels`, summed by bound
 * (`sum by (le)`), in ascending order; the `+Inf` bucket last.
 */
export function histogramBuckets(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): HistogramBucket[] {
  const byBound = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${name}_bucket` || !Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) continue;
    const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + sample.value);
  }
  return [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** What was observed between two scrapes of the same buckets (a series absent before counts from zero). */
export function bucketIncrease(after: readonly HistogramBucket[], before: readonly HistogramBucket[]): HistogramBucket[] {
  const earlier = new Map(before.map((bucket) => [bucket.le, bucket.count]));
  return after.map((bucket) => ({ le: bucket.le, count: bucket.count - (earlier.get(bucket.le) ?? 0) }));
}

/**
 * The `q` quantile (0..1) of cumulative buckets as PromQL's `histogram_quantile` computes it: the bucket holding
 * rank q × total is found, and the value is interpolated linearly between its lower bound (0 for the first bucket)
 * and its upper bound. In the `+Inf` bucket it answers the largest finite bound. Undefined when nothing was observed
 * or there is no `+Inf` bucket.
 */
export function interpolatedQuantile(buckets: readonly HistogramBucket[], q: number): number | undefined {
  const last = buckets.at(-1);
  if (!last || last.le !== Infinity || last.count <= 0 || buckets.length < 2) return undefined;
  const rank = q * last.count;
  const index = buckets.findIndex((bucket) => bucket.count >= rank);
  if (index === buckets.length - 1) return buckets[buckets.length - 2].le;
  const bucket = buckets[index];
  if (index === 0 && bucket.le <= 0) return bucket.le;
  const lower = index === 0 ? 0 : buckets[index - 1].le;
  const below = index === 0 ? 0 : buckets[index - 1].count;
  const inBucket = bucket.count - below;
  return lower + (bucket.le - lower) * ((rank - below) / inBucket);
}
