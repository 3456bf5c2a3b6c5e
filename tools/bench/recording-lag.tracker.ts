import { setTimeout as sleep } from 'node:timers/promises';
import { histogramQuantile } from './prometheus-text.parser';
import type { RecordingProbe, RecordingSnapshot } from './recording-progress.probe';

export interface RecordingResult {
  kind: RecordingProbe['kind'];
  loadSeconds: number;
  /** Events the gateway produced per second while under load. */
  producedPerSecond: number;
  /** Events committed to the database per second while under load. */
  committedPerSecond: number;
  /** Interceptions (started events) committed per second while under load. */
  interceptionsPerSecond: number;
  /** Produced but not yet committed events: the largest seen under load, and when the load stopped. */
  backlogMax: number;
  backlogAtLoadEnd: number;
  /** The backlog at load end divided by the commit rate: how far behind the database was. */
  backlogSecondsAtLoadEnd: number;
  queueDepthMax?: number;
  /** From the end of the load until everything produced was committed; null if not within the drain limit. */
  drainedAfterMs: number | null;
  /** Recorder's own event → commit lag over this window, as histogram bucket bounds (queue only). */
  lagSecondsP50?: number;
  lagSecondsP99?: number;
  /** Committed at least 95% of the produced rate under load. */
  keptUp: boolean;
}

export interface RecordingTrackerSettings {
  sampleEveryMs: number;
  drainTimeoutMs: number;
}

/**
 * Runs `load` while sampling the recording progress, then waits (bounded) for the backlog to drain. Sampling is a
 * metrics scrape every `sampleEveryMs`: a few requests per second next to thousands of load requests.
 */
export async function trackRecordingDuring<T>(
  probe: RecordingProbe,
  settings: RecordingTrackerSettings,
  load: () => Promise<T>,
): Promise<{ load: T; recording: RecordingResult }> {
  const before = await probe.snapshot();
  const samples: RecordingSnapshot[] = [];
  let loading = true;
  const sampler = (async () => {
    while (loading) {
      await sleep(settings.sampleEveryMs);
      if (loading) samples.push(await probe.snapshot().catch(() => before));
    }
  })();
  let loadResult: T;
  try {
    loadResult = await load();
  } finally {
    loading = false;
    await sampler;
  }
  const atLoadEnd = await probe.snapshot();
  const drained = await waitForDrain(probe, atLoadEnd, settings);

  const seconds = (atLoadEnd.at - before.at) / 1000;
  const rate = (from: number, to: number) => Math.round((to - from) / seconds);
  const committedPerSecond = rate(before.committed, atLoadEnd.committed);
  const producedPerSecond = rate(before.produced, atLoadEnd.produced);
  const backlog = (snapshot: RecordingSnapshot) => Math.max(0, snapshot.produced - snapshot.committed);
  const depths = [...samples, atLoadEnd].flatMap((sample) => (sample.queueDepth === undefined ? [] : [sample.queueDepth]));
  const lagScrape = drained.last.recorderScrape;
  const lagBaseline = before.recorderScrape;
  return {
    load: loadResult,
    recording: {
      kind: probe.kind,
      loadSeconds: Math.round(seconds * 10) / 10,
      producedPerSecond,
      committedPerSecond,
      interceptionsPerSecond: rate(before.interceptionsCommitted, atLoadEnd.interceptionsCommitted),
      backlogMax: Math.max(backlog(atLoadEnd), ...samples.map(backlog)),
      backlogAtLoadEnd: backlog(atLoadEnd),
      backlogSecondsAtLoadEnd: committedPerSecond > 0 ? Math.round((backlog(atLoadEnd) / committedPerSecond) * 10) / 10 : Number.NaN,
      queueDepthMax: depths.length > 0 ? Math.max(...depths) : undefined,
      drainedAfterMs: drained.afterMs,
      lagSecondsP50: lagScrape ? histogramQuantile(lagScrape, 'tollgate_recording_lag_seconds', 0.5, lagBaseline) : undefined,
      lagSecondsP99: lagScrape ? histogramQuantile(lagScrape, 'tollgate_recording_lag_seconds', 0.99, lagBaseline) : undefined,
      keptUp: producedPerSecond > 0 && committedPerSecond >= 0.95 * producedPerSecond,
    },
  };
}

async function waitForDrain(
  probe: RecordingProbe,
  atLoadEnd: RecordingSnapshot,
  settings: RecordingTrackerSettings,
): Promise<{ afterMs: number | null; last: RecordingSnapshot }> {
  let last = atLoadEnd;
  while (last.committed < last.produced) {
    if (performance.now() - atLoadEnd.at > settings.drainTimeoutMs) return { afterMs: null, last };
    await sleep(Math.min(250, settings.sampleEveryMs));
    last = await probe.snapshot();
  }
  return { afterMs: Math.round(last.at - atLoadEnd.at), last };
}
