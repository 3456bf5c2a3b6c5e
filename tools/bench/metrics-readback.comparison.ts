import { bucketIncrease, histogramBuckets, interpolatedQuantile, metricValue, type HistogramBucket, type MetricSample } from './prometheus-text.parser';

/** The route label of the requests the latency and saturation windows send (blocking Chat Completions). */
export const READBACK_ROUTE = 'openai-chat';

const DURATION = 'tollgate_request_duration_seconds';
const UPSTREAM = 'tollgate_upstream_attempt_duration_seconds';
const TOKENS = 'tollgate_tokens_total';

/** What the load generator itself saw in one window. */
export interface WindowAnswers {
  window: 'latency' | 'saturation';
  /** Requests written to the gateway in the window (each reaches it at most once). */
  sent: number;
  /** Of which answered, whatever the status. */
  answered: number;
  /** Of which 2xx. */
  ok: number;
  /** The bench's own p50 over the window's 2xx answers, send to last byte. */
  p50Ms: number;
}

export interface ReadbackSettings {
  /** `usage.completion_tokens` of every blocking answer of the mock (MOCK_CHAT_USAGE). */
  outputTokensPerAnswer: number;
}

/** The gateway's `/metrics` increase over one window, against the bench's figures of that window. */
export interface ReadbackWindow {
  window: WindowAnswers['window'];
  agree: boolean;
  /**
   * `tollgate_request_duration_seconds_count{route}` increase. It may not be below the answers the bench got, nor
   * above the requests it sent: a request in flight when the load stops (autocannon drops its connections at the
   * end of its duration) can be served and counted by the gateway without the bench seeing its answer.
   */
  requests: { counted: number; answered: number; sent: number; agree: boolean };
  /**
   * The duration histogram's p50, interpolated within its bucket as `histogram_quantile` does, against the bucket
   * that holds the bench's p50. It may not be above that bucket: the gateway's clock starts when it has read the
   * request head and stops when it has written the answer, inside the bench's send-to-receive. It may be below it
   * by the time the bench's clock runs and the gateway's does not (the request waiting to be read while the
   * gateway's event loop is busy, the loopback, the load generator's own loop), which is small on a quiet host and
   * not on a loaded one; but not below the p50 of the window's upstream attempts (same interpolation), since every
   * request's duration contains its attempt.
   */
  p50: {
    gatewayMs: number | null;
    benchMs: number;
    benchBucketMs: [number, number];
    /** The window's upstream-attempt p50: the lowest the duration p50 can be. */
    upstreamAttemptMs: number | null;
    /** In the bench's bucket (rather than below it). */
    inBenchBucket: boolean;
    agree: boolean;
  };
  /** `tollgate_tokens_total{kind="output"}` increase: the mock's output tokens × answers served (same bounds). */
  outputTokens: { counted: number; perAnswer: number; expectedMin: number; expectedMax: number; agree: boolean };
  /** `tollgate_upstream_attempt_duration_seconds_count{route}` increase: at least one attempt per 2xx answer. */
  upstreamAttempts: { counted: number; atLeast: number; agree: boolean };
  /** Each disagreement in words (empty when the window agrees). */
  disagreements: string[];
}

export interface MetricsReadback {
  /** Every window read back agrees (and at least one was). */
  agree: boolean;
  windows: ReadbackWindow[];
  /** Windows whose read-back could not be done (a scrape failed), with why. */
  notRead: string[];
}

export function compareReadback(before: readonly MetricSample[], after: readonly MetricSample[], bench: WindowAnswers, settings: ReadbackSettings): ReadbackWindow {
  const route = { route: READBACK_ROUTE };
  const increase = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
  const disagreements: string[] = [];

  const counted = increase(`${DURATION}_count`, route);
  const requestsAgree = counted >= bench.answered && counted <= bench.sent;
  if (!requestsAgree) disagreements.push(`${counted} requests counted, the bench got ${bench.answered} answers to ${bench.sent} requests sent`);

  const window = (name: string) => bucketIncrease(histogramBuckets(after, name, route), histogramBuckets(before, name, route));
  const durations = window(DURATION);
  const gatewaySeconds = interpolatedQuantile(durations, 0.5);
  const attemptSeconds = interpolatedQuantile(window(UPSTREAM), 0.5);
  const [lowSeconds, highSeconds] = bucketHolding(durations, bench.p50Ms / 1000);
  const p50 = {
    gatewayMs: gatewaySeconds === undefined ? null : toMs(gatewaySeconds),
    benchMs: bench.p50Ms,
    benchBucketMs: [toMs(lowSeconds), toMs(highSeconds)] as [number, number],
    upstreamAttemptMs: attemptSeconds === undefined ? null : toMs(attemptSeconds),
    inBenchBucket: gatewaySeconds !== undefined && gatewaySeconds > lowSeconds && gatewaySeconds <= highSeconds,
    agree: gatewaySeconds !== undefined && gatewaySeconds <= highSeconds && (attemptSeconds === undefined || gatewaySeconds >= attemptSeconds),
  };
  if (!p50.agree) {
    disagreements.push(
      p50.gatewayMs === null
        ? 'no request duration observed in the window'
        : `p50 ${p50.gatewayMs} ms: the bench's ${bench.p50Ms} ms is in the ${p50.benchBucketMs.join('–')} ms bucket, the upstream attempts' p50 is ${p50.upstreamAttemptMs} ms`,
    );
  }

  const tokens = increase(TOKENS, { kind: 'output' });
  const unanswered = bench.sent - bench.answered;
  const expectedMin = bench.ok * settings.outputTokensPerAnswer;
  const expectedMax = (bench.ok + unanswered) * settings.outputTokensPerAnswer;
  const tokensAgree = tokens >= expectedMin && tokens <= expectedMax && tokens % settings.outputTokensPerAnswer === 0;
  if (!tokensAgree) disagreements.push(`${tokens} output tokens counted, expected ${settings.outputTokensPerAnswer} × ${bench.ok}${unanswered > 0 ? ` to ${bench.ok + unanswered}` : ''} answers`);

  const attempts = increase(`${UPSTREAM}_count`, route);
  const attemptsAgree = attempts >= bench.ok;
  if (!attemptsAgree) disagreements.push(`${attempts} upstream attempts counted for ${bench.ok} 2xx answers`);

  return {
    window: bench.window,
    agree: disagreements.length === 0,
    requests: { counted, answered: bench.answered, sent: bench.sent, agree: requestsAgree },
    p50,
    outputTokens: { counted: tokens, perAnswer: settings.outputTokensPerAnswer, expectedMin, expectedMax, agree: tokensAgree },
    upstreamAttempts: { counted: attempts, atLeast: bench.ok, agree: attemptsAgree },
    disagreements,
  };
}

/** The bounds (lower exclusive, upper inclusive) of the bucket a value falls in; [0, first bound] for the first. */
export function bucketHolding(buckets: readonly HistogramBucket[], value: number): [number, number] {
  const index = buckets.findIndex((bucket) => value <= bucket.le);
  if (index === -1) return [buckets.at(-1)?.le ?? 0, Infinity];
  return [index === 0 ? 0 : buckets[index - 1].le, buckets[index].le];
}

export function summarizeReadback(windows: ReadbackWindow[], notRead: string[]): MetricsReadback {
  return { agree: windows.length > 0 && notRead.length === 0 && windows.every((window) => window.agree), windows, notRead };
}

/** Seconds → milliseconds, to the microsecond (bucket bounds such as 0.0025 s come out as 2.5, not 2.5000000000000004). */
function toMs(seconds: number): number {
  return Number.isFinite(seconds) ? Math.round(seconds * 1_000_000) / 1000 : seconds;
}
