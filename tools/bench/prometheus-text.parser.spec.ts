import { bucketIncrease, histogramBuckets, histogramQuantile, interpolatedQuantile, metricValue, parsePrometheusText } from './prometheus-text.parser';

const SCRAPE = `# HELP tollgate_recording_events_processed_total Interception events whose rows are committed.
# TYPE tollgate_recording_events_processed_total counter
tollgate_recording_events_processed_total{event="interception.started"} 1200
tollgate_recording_events_processed_total{event="interception.ended"} 1150
tollgate_recording_queue_depth 42
tollgate_recording_lag_seconds_bucket{le="0.01"} 100
tollgate_recording_lag_seconds_bucket{le="0.1"} 900
tollgate_recording_lag_seconds_bucket{le="1"} 1000
tollgate_recording_lag_seconds_bucket{le="+Inf"} 1000
tollgate_odd{path="a \\"quoted\\" value",x="1"} 3.5
`;

describe('parsePrometheusText', () => {
  const samples = parsePrometheusText(SCRAPE);

  it('reads labelled and unlabelled samples, skipping comments', () => {
    expect(metricValue(samples, 'tollgate_recording_events_processed_total', { event: 'interception.started' })).toBe(1200);
    expect(metricValue(samples, 'tollgate_recording_events_processed_total')).toBe(2350);
    expect(metricValue(samples, 'tollgate_recording_queue_depth')).toBe(42);
    expect(metricValue(samples, 'not_there')).toBe(0);
  });

  it('unescapes label values', () => {
    expect(samples.find((sample) => sample.name === 'tollgate_odd')?.labels).toEqual({ path: 'a "quoted" value', x: '1' });
  });
});

describe('histogramQuantile', () => {
  const samples = parsePrometheusText(SCRAPE);

  it('answers the upper bound of the bucket holding the quantile', () => {
    expect(histogramQuantile(samples, 'tollgate_recording_lag_seconds', 0.5)).toBe(0.1);
    expect(histogramQuantile(samples, 'tollgate_recording_lag_seconds', 0.05)).toBe(0.01);
    expect(histogramQuantile(samples, 'tollgate_recording_lag_seconds', 0.99)).toBe(1);
  });

  it('counts only what was observed after a baseline scrape', () => {
    const baseline = parsePrometheusText(SCRAPE.replace('le="0.01"} 100', 'le="0.01"} 50').replace('le="0.1"} 900', 'le="0.1"} 850')
      .replace('le="1"} 1000', 'le="1"} 850').replace('le="+Inf"} 1000', 'le="+Inf"} 850'));
    // 150 new observations: 50 under 10 ms, none in (10 ms, 100 ms], 100 in (100 ms, 1 s].
    expect(histogramQuantile(samples, 'tollgate_recording_lag_seconds', 0.3, baseline)).toBe(0.01);
    expect(histogramQuantile(samples, 'tollgate_recording_lag_seconds', 0.5, baseline)).toBe(1);
    expect(histogramQuantile(samples, 'tollgate_recording_lag_seconds', 0.5, samples)).toBeUndefined();
  });
});

describe('histogramBuckets', () => {
  const samples = parsePrometheusText(`
tollgate_request_duration_seconds_bucket{provider="fast",route="openai-chat",model="gpt-4o-mini",le="0.001"} 1
tollgate_request_duration_seconds_bucket{provider="fast",route="openai-chat",model="gpt-4o-mini",le="0.0025"} 6
tollgate_request_duration_seconds_bucket{provider="fast",route="openai-chat",model="gpt-4o-mini",le="+Inf"} 8
tollgate_request_duration_seconds_bucket{provider="fast",route="openai-chat",model="other",le="+Inf"} 2
tollgate_request_duration_seconds_bucket{provider="fast",route="openai-chat",model="other",le="0.0025"} 1
tollgate_request_duration_seconds_bucket{provider="fast",route="openai-chat",model="other",le="0.001"} 0
tollgate_request_duration_seconds_bucket{provider="fast",route="passthrough",model="-",le="0.001"} 50
tollgate_request_duration_seconds_bucket{provider="fast",route="passthrough",model="-",le="0.0025"} 50
tollgate_request_duration_seconds_bucket{provider="fast",route="passthrough",model="-",le="+Inf"} 50
tollgate_request_duration_seconds_count{provider="fast",route="openai-chat",model="gpt-4o-mini"} 8
`);

  it('sums the series whose labels match by bound, in ascending order', () => {
    expect(histogramBuckets(samples, 'tollgate_request_duration_seconds', { route: 'openai-chat' })).toEqual([
      { le: 0.001, count: 1 },
      { le: 0.0025, count: 7 },
      { le: Infinity, count: 10 },
    ]);
    expect(histogramBuckets(samples, 'tollgate_request_duration_seconds')).toEqual([
      { le: 0.001, count: 51 },
      { le: 0.0025, count: 57 },
      { le: Infinity, count: 60 },
    ]);
  });

  it('subtracts an earlier scrape bucket by bucket, counting a series absent before from zero', () => {
    const after = [{ le: 0.001, count: 5 }, { le: 0.0025, count: 9 }, { le: Infinity, count: 12 }];
    expect(bucketIncrease(after, [{ le: 0.001, count: 2 }, { le: Infinity, count: 4 }])).toEqual([
      { le: 0.001, count: 3 },
      { le: 0.0025, count: 9 },
      { le: Infinity, count: 8 },
    ]);
  });
});

describe('interpolatedQuantile', () => {
  // 100 observations: 10 up to 1 ms, 40 in (1 ms, 2.5 ms], 30 in (2.5 ms, 5 ms], 20 above 5 ms.
  const buckets = [
    { le: 0.001, count: 10 },
    { le: 0.0025, count: 50 },
    { le: 0.005, count: 80 },
    { le: Infinity, count: 100 },
  ];

  it('interpolates linearly inside the bucket holding the rank, as histogram_quantile does', () => {
    expect(interpolatedQuantile(buckets, 0.5)).toBeCloseTo(0.0025, 12); // rank 50: the top of the second bucket
    expect(interpolatedQuantile(buckets, 0.3)).toBeCloseTo(0.00175, 12); // rank 30: half way through (1 ms, 2.5 ms]
    expect(interpolatedQuantile(buckets, 0.65)).toBeCloseTo(0.00375, 12); // rank 65: half way through (2.5 ms, 5 ms]
  });

  it('starts the first bucket at zero and answers the largest finite bound in the +Inf bucket', () => {
    expect(interpolatedQuantile(buckets, 0.05)).toBeCloseTo(0.0005, 12);
    expect(interpolatedQuantile(buckets, 0.99)).toBe(0.005);
  });

  it('answers nothing without observations or without a +Inf bucket', () => {
    expect(interpolatedQuantile(buckets.map((bucket) => ({ ...bucket, count: 0 })), 0.5)).toBeUndefined();
    expect(interpolatedQuantile(buckets.slice(0, 3), 0.5)).toBeUndefined();
    expect(interpolatedQuantile([], 0.5)).toBeUndefined();
  });
});
