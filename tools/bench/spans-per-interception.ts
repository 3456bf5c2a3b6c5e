import type { SpanTally } from './otlp-trace.decoder';

export interface SpanCount {
  name: string;
  spans: number;
  perInterception: number;
}

export interface ServiceSpans {
  service: string;
  spans: number;
  perInterception: number;
  /** Largest first. */
  names: SpanCount[];
}

export interface SpansPerInterception {
  /** Interceptions the gateway served over the same window (its `interception.started` events). */
  interceptions: number;
  services: ServiceSpans[];
  /** Trace exports the sink could not decode (their spans are missing from the counts). */
  undecodedExports: number;
}

/** Spans received per service and span name, each divided by the interceptions served. */
export function spansPerInterception(tally: SpanTally, interceptions: number, undecodedExports = 0): SpansPerInterception {
  const per = (spans: number) => (interceptions > 0 ? Math.round((spans / interceptions) * 100) / 100 : Number.NaN);
  const services = Object.entries(tally).map(([service, byName]) => {
    const names = Object.entries(byName)
      .map(([name, spans]) => ({ name, spans, perInterception: per(spans) }))
      .sort((a, b) => b.spans - a.spans || a.name.localeCompare(b.name));
    const spans = names.reduce((sum, entry) => sum + entry.spans, 0);
    return { service, spans, perInterception: per(spans), names };
  });
  services.sort((a, b) => a.service.localeCompare(b.service));
  return { interceptions, services, undecodedExports };
}
