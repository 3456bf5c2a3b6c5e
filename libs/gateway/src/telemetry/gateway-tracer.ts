import { SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * The gateway's own spans (see docs/telemetry.md). Without a started SDK every call here is a no-op on a
 * non-recording span, so the hot path pays next to nothing when tracing is off.
 */
const tracer = trace.getTracer('tollgate-gateway');

export function startSpan(name: string, kind: SpanKind, attributes: Attributes): Span {
  return tracer.startSpan(name, { kind, attributes });
}

/** Runs `work` with `span` as the active span, so child spans (undici, ioredis) and logs attach to it. */
export function inSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** W3C trace context of `span`, to travel with a queued event. */
export function traceCarrier(span: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

export function failSpan(span: Span, errorType: string): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
}

export { SpanKind };
