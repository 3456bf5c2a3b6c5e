import { metricValue, parsePrometheusText, type MetricSample } from './prometheus-text.parser';

/** How far recording has got at one moment. Events: `interception.started` and `interception.ended`. */
export interface RecordingSnapshot {
  at: number;
  /** Events the gateway has produced so far (handed to the queue, or committed in process). */
  produced: number;
  /** Events whose rows are committed in the database. */
  committed: number;
  /** `interception.started` events committed: interceptions recorded. */
  interceptionsCommitted: number;
  /** BullMQ waiting + delayed jobs (queue configurations only). */
  queueDepth?: number;
  /** The recorder's scrape, for its event → commit lag histogram (queue configurations only). */
  recorderScrape?: MetricSample[];
}

export interface RecordingProbe {
  readonly kind: 'in-process' | 'queue';
  snapshot(): Promise<RecordingSnapshot>;
}

const ENQUEUED = 'tollgate_recording_events_enqueued_total';
const PROCESSED = 'tollgate_recording_events_processed_total';
const STARTED = { event: 'interception.started' };
const ENDED = { event: 'interception.ended' };

/**
 * All-in-one process: the in-process sink resolves once an event is committed, so the gateway's own "enqueued"
 * counter counts commits. `started` is committed before the upstream call; every started interception will
 * produce one `ended`, so produced = 2 × started and the backlog is the `ended` events not committed yet.
 */
export function inProcessRecordingProbe(gatewayUrl: string): RecordingProbe {
  return {
    kind: 'in-process',
    async snapshot() {
      const gateway = await scrape(gatewayUrl);
      const started = metricValue(gateway, ENQUEUED, STARTED);
      const ended = metricValue(gateway, ENQUEUED, ENDED);
      return { at: performance.now(), produced: 2 * started, committed: started + ended, interceptionsCommitted: started };
    },
  };
}

/** Gateway → BullMQ → recorder: produced from the gateway's counter, committed and queue depth from the recorder's. */
export function queueRecordingProbe(gatewayUrl: string, recorderUrl: string): RecordingProbe {
  return {
    kind: 'queue',
    async snapshot() {
      const [gateway, recorder] = await Promise.all([scrape(gatewayUrl), scrape(recorderUrl)]);
      return {
        at: performance.now(),
        produced: metricValue(gateway, ENQUEUED),
        committed: metricValue(recorder, PROCESSED),
        interceptionsCommitted: metricValue(recorder, PROCESSED, STARTED),
        queueDepth: metricValue(recorder, 'tollgate_recording_queue_depth'),
        recorderScrape: recorder,
      };
    },
  };
}

async function scrape(baseUrl: string): Promise<MetricSample[]> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return parsePrometheusText(await response.text());
}
