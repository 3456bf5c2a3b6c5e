import { fillActivity, interceptionStatus, type ActivityBucket } from './interception.store';

describe('fillActivity', () => {
  const from = new Date('2026-12-01T10:00:00Z');
  const to = new Date('2026-12-01T10:05:00Z');

  it('answers every bucket of [from, to), with zeros where nothing was recorded', () => {
    const recorded: ActivityBucket = {
      start: new Date('2026-12-01T10:02:00Z'),
      interceptions: 3,
      errors: 1,
      inputTokens: 30,
      outputTokens: 12,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costMicros: 42,
    };
    const buckets = fillActivity({ from, to, bucketSeconds: 60 }, [recorded]);
    expect(buckets.map((bucket) => [bucket.start.toISOString().slice(11, 16), bucket.interceptions])).toEqual([
      ['10:00', 0],
      ['10:01', 0],
      ['10:02', 3],
      ['10:03', 0],
      ['10:04', 0],
    ]);
    expect(buckets[2]).toBe(recorded);
  });

  it('ends with a partial bucket when the range is not a whole number of buckets', () => {
    expect(fillActivity({ from, to, bucketSeconds: 120 }, []).map((bucket) => bucket.start.toISOString().slice(11, 16))).toEqual(['10:00', '10:02', '10:04']);
  });
});

describe('interceptionStatus', () => {
  it('reads an error first, then whether it ended', () => {
    expect(interceptionStatus(new Date(), 'rate_limited')).toBe('error');
    expect(interceptionStatus(null, 'client_disconnected')).toBe('error');
    expect(interceptionStatus(new Date(), null)).toBe('ok');
    expect(interceptionStatus(null, null)).toBe('in_flight');
  });
});
