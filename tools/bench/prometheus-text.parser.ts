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
  const buckets = cumulativeBuckets(samples, name);
  const before = new Map(cumulativeBuckets(baseline, name).map(([bound, count]) => [bound, count]));
  const delta = buckets.map(([bound, count]): [number, number] => [bound, count - (before.get(bound) ?? 0)]);
  const total = delta.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const wanted = q * total;
  return delta.find(([, count]) => count >= wanted)?.[0];
}

function cumulativeBuckets(samples: readonly MetricSample[], name: string): Array<[number, number]> {
  return samples
    .filter((sample) => sample.name === `${name}_bucket`)
    .map((sample): [number, number] => [sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), sample.value])
    .sort((a, b) => a[0] - b[0]);
}
