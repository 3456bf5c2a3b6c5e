import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

/**
 * The gateway's own spans (see docs/telemetry.md). When no tracer provider is registered (no OTLP endpoint: the SDK
 * is not even loaded) the request path builds no span, attribute object or context at all: `tracingActive()` is
 * false and call sites use `NO_SPAN`, which every helper here passes over.
 */
const tracer = trace.getTracer('tollgate-gateway');
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/** A span that records nothing, for the request path while tracing is off. */
export const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Whether spans are recorded at all: an SDK (or a test's provider) is registered. */
export function tracingActive(): boolean {
  return (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() !== NO_PROVIDER;
}

export function startSpan(name: string, kind: SpanKind, attributes: Attributes): Span {
  return tracer.startSpan(name, { kind, attributes });
}

/** Runs `work` with `span` as the active span, so child spans (undici, ioredis) and logs attach to it. */
export function inSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  if (span === NO_SPAN) return work();
  return context.with(trace.setSpan(context.active(), span), work);
}

/** W3C trace context of `span`, to travel with a queued event; undefined for `NO_SPAN`. */
export function traceCarrier(span: Span): Record<string, string> | undefined {
  if (span === NO_SPAN) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

export function failSpan(span: Span, errorType: string): void {
  if (span === NO_SPAN) return;
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
}

export { SpanKind };
