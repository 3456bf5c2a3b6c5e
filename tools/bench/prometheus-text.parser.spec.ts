import { histogramQuantile, metricValue, parsePrometheusText } from './prometheus-text.parser';

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
