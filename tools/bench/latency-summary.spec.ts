import { addedLatency, percentile, summarizeLatencies } from './latency-summary';

describe('percentile (nearest rank)', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [0, 1],
    [0.5, 1],
  ])('p%s of 1..100 is %s', (p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });

  it('is NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarizeLatencies', () => {
  it('sorts the samples and rounds to microseconds', () => {
    const summary = summarizeLatencies([3.00049, 1, 2, 10.1234567]);
    expect(summary).toEqual({ count: 4, p50: 2, p90: 10.123, p99: 10.123, max: 10.123, mean: 4.031 });
  });

  it('a single slow outlier among 1000 moves p99 only once it is more than 1%', () => {
    const samples = Array.from({ length: 1000 }, () => 1);
    samples[500] = 50;
    expect(summarizeLatencies(samples).p99).toBe(1);
    for (let i = 0; i < 11; i++) samples[i] = 50;
    expect(summarizeLatencies(samples).p99).toBe(50);
  });
});

describe('addedLatency', () => {
  it('subtracts the direct percentiles from the gateway ones', () => {
    const direct = summarizeLatencies([1, 1, 1, 2]);
    const gateway = summarizeLatencies([1.25, 1.25, 1.5, 3]);
    expect(addedLatency(gateway, direct)).toEqual({ p50: 0.25, p90: 1, p99: 1 });
  });
});
