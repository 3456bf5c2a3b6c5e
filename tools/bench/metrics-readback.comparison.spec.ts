import { bucketHolding, compareReadback, summarizeReadback, type WindowAnswers } from './metrics-readback.comparison';
import { parsePrometheusText } from './prometheus-text.parser';

const BOUNDS = ['0.001', '0.0025', '0.005', '0.01', '0.025', '+Inf'];

interface Counters {
  /** Cumulative request-duration counts per bound of BOUNDS. */
  durations: number[];
  /** Cumulative upstream-attempt counts per bound of BOUNDS. */
  attempts: number[];
  outputTokens: number;
}

/** A gateway scrape as prom-client writes it, with a second model series and a passthrough series that must not count. */
function scrape({ durations, attempts, outputTokens }: Counters) {
  const labels = 'provider="fast",route="openai-chat"';
  const lines = [
    '# TYPE tollgate_request_duration_seconds histogram',
    ...BOUNDS.map((le, i) => `tollgate_request_duration_seconds_bucket{${labels},model="gpt-4o-mini",le="${le}"} ${durations[i] - 1}`),
    ...BOUNDS.map((le) => `tollgate_request_duration_seconds_bucket{${labels},model="other",le="${le}"} 1`),
    `tollgate_request_duration_seconds_count{${labels},model="gpt-4o-mini"} ${durations.at(-1)! - 1}`,
    `tollgate_request_duration_seconds_count{${labels},model="other"} 1`,
    ...BOUNDS.map((le) => `tollgate_request_duration_seconds_bucket{provider="fast",route="passthrough",model="-",le="${le}"} 500`),
    'tollgate_request_duration_seconds_count{provider="fast",route="passthrough",model="-"} 500',
    ...BOUNDS.map((le, i) => `tollgate_upstream_attempt_duration_seconds_bucket{${labels},status="200",le="${le}"} ${attempts[i]}`),
    `tollgate_upstream_attempt_duration_seconds_count{${labels},status="200"} ${attempts.at(-1)}`,
    `tollgate_tokens_total{provider="fast",model="gpt-4o-mini",kind="input"} ${outputTokens * 3}`,
    `tollgate_tokens_total{provider="fast",model="gpt-4o-mini",kind="output"} ${outputTokens}`,
  ];
  return parsePrometheusText(lines.join('\n'));
}

const before = scrape({ durations: [1, 1, 1, 1, 1, 1], attempts: [0, 0, 0, 0, 0, 0], outputTokens: 0 });
// 1,000 requests in the window: 100 ≤ 1 ms, 600 in (1, 2.5] ms, 300 in (2.5, 5] ms; attempts mostly under 1 ms.
const after = (overrides: Partial<Counters> = {}) =>
  scrape({ durations: [101, 701, 1001, 1001, 1001, 1001], attempts: [800, 1000, 1000, 1000, 1000, 1000], outputTokens: 7_000, ...overrides });
const answers: WindowAnswers = { window: 'latency', sent: 1_000, answered: 1_000, ok: 1_000, p50Ms: 2.3 };
const settings = { outputTokensPerAnswer: 7 };

describe('compareReadback', () => {
  it('agrees when counts, tokens and the interpolated p50 match the bench', () => {
    const window = compareReadback(before, after(), answers, settings);
    expect(window.disagreements).toEqual([]);
    expect(window).toMatchObject({
      agree: true,
      requests: { counted: 1_000, answered: 1_000, sent: 1_000, agree: true },
      // rank 500: 400 of the 600 in (1, 2.5] ms → 1 + 1.5 × 400 / 600 = 2 ms.
      p50: { gatewayMs: 2, benchMs: 2.3, benchBucketMs: [1, 2.5], inBenchBucket: true, agree: true },
      outputTokens: { counted: 7_000, expectedMin: 7_000, expectedMax: 7_000, agree: true },
      upstreamAttempts: { counted: 1_000, atLeast: 1_000, agree: true },
    });
  });

  it('allows the requests in flight when the load stopped: counted between answered and sent', () => {
    const saturation: WindowAnswers = { window: 'saturation', sent: 1_016, answered: 1_000, ok: 1_000, p50Ms: 2.3 };
    const withStragglers = after({ durations: [101, 701, 1017, 1017, 1017, 1017], attempts: [800, 1016, 1016, 1016, 1016, 1016], outputTokens: 7_112 });
    expect(compareReadback(before, withStragglers, saturation, settings)).toMatchObject({
      agree: true,
      requests: { counted: 1_016, agree: true },
      outputTokens: { expectedMin: 7_000, expectedMax: 7_112, agree: true },
    });
    const tooMany = after({ durations: [101, 701, 1018, 1018, 1018, 1018] });
    expect(compareReadback(before, tooMany, saturation, settings).disagreements).toEqual([
      '1017 requests counted, the bench got 1000 answers to 1016 requests sent',
    ]);
  });

  it('disagrees when the gateway counted fewer requests than the bench got answers', () => {
    const window = compareReadback(before, after({ durations: [101, 701, 991, 991, 991, 991] }), answers, settings);
    expect(window.agree).toBe(false);
    expect(window.requests).toMatchObject({ counted: 990, agree: false });
  });

  it('disagrees on output tokens that are not the mock\'s per-answer count times the answers', () => {
    expect(compareReadback(before, after({ outputTokens: 6_993 }), answers, settings).disagreements).toEqual([
      '6993 output tokens counted, expected 7 × 1000 answers',
    ]);
    expect(compareReadback(before, after({ outputTokens: 12_000 }), answers, settings).outputTokens.agree).toBe(false);
  });

  it('needs at least one upstream attempt per 2xx answer', () => {
    const window = compareReadback(before, after({ attempts: [800, 999, 999, 999, 999, 999] }), answers, settings);
    expect(window.upstreamAttempts).toEqual({ counted: 999, atLeast: 1_000, agree: false });
  });

  it('accepts a gateway p50 below the bench\'s bucket down to the upstream attempts\' p50, never above the bucket', () => {
    // The bench saw 6 ms (the (5, 10] ms bucket): the gateway's 2 ms is lower, and above its attempts' p50 (0.625 ms).
    const slowClient = compareReadback(before, after(), { ...answers, p50Ms: 6 }, settings);
    expect(slowClient.p50).toMatchObject({ gatewayMs: 2, benchBucketMs: [5, 10], upstreamAttemptMs: 0.625, inBenchBucket: false, agree: true });
    // The bench saw 0.9 ms (the first bucket): a gateway p50 of 2 ms cannot be right.
    const gatewaySlower = compareReadback(before, after(), { ...answers, p50Ms: 0.9 }, settings);
    expect(gatewaySlower.p50.agree).toBe(false);
    expect(gatewaySlower.disagreements).toEqual(["p50 2 ms: the bench's 0.9 ms is in the 0–1 ms bucket, the upstream attempts' p50 is 0.625 ms"]);
    // Attempts slower than the requests that contain them: the duration histogram is wrong.
    const attemptsSlower = compareReadback(before, after({ attempts: [0, 0, 1000, 1000, 1000, 1000] }), answers, settings);
    expect(attemptsSlower.p50).toMatchObject({ upstreamAttemptMs: 3.75, agree: false });
  });

  it('disagrees when no request duration was observed', () => {
    const window = compareReadback(before, before, answers, settings);
    expect(window.p50).toMatchObject({ gatewayMs: null, agree: false });
    expect(window.disagreements).toContain('no request duration observed in the window');
  });
});

describe('bucketHolding', () => {
  const buckets = [{ le: 0.001, count: 0 }, { le: 0.0025, count: 0 }, { le: Infinity, count: 0 }];
  it('answers the bounds of the bucket a value falls in, the upper one inclusive', () => {
    expect(bucketHolding(buckets, 0.0005)).toEqual([0, 0.001]);
    expect(bucketHolding(buckets, 0.001)).toEqual([0, 0.001]);
    expect(bucketHolding(buckets, 0.0011)).toEqual([0.001, 0.0025]);
    expect(bucketHolding(buckets, 7)).toEqual([0.0025, Infinity]);
  });
});

describe('summarizeReadback', () => {
  const agreeing = compareReadback(before, after(), answers, settings);
  it('agrees only when every window agrees and none failed to be read', () => {
    expect(summarizeReadback([agreeing], []).agree).toBe(true);
    expect(summarizeReadback([agreeing, { ...agreeing, agree: false }], []).agree).toBe(false);
    expect(summarizeReadback([agreeing], ['saturation: GET /metrics answered 503']).agree).toBe(false);
    expect(summarizeReadback([], []).agree).toBe(false);
  });
});
