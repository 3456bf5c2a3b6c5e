/** Percentiles of a set of durations in milliseconds, rounded to microseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (`p` in 0..100) of an ascending array; NaN when it is empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    p50: roundMs(percentile(sorted, 50)),
    p90: roundMs(percentile(sorted, 90)),
    p99: roundMs(percentile(sorted, 99)),
    max: roundMs(sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]),
    mean: roundMs(sorted.length === 0 ? Number.NaN : total / sorted.length),
  };
}

/** `gateway - direct` for each percentile: what the gateway adds on top of calling the upstream directly. */
export function addedLatency(gateway: LatencySummary, direct: LatencySummary): Pick<LatencySummary, 'p50' | 'p90' | 'p99'> {
  return {
    p50: roundMs(gateway.p50 - direct.p50),
    p90: roundMs(gateway.p90 - direct.p90),
    p99: roundMs(gateway.p99 - direct.p99),
  };
}

export function roundMs(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : value;
}
