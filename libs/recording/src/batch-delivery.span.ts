import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Link } from '@opentelemetry/api';
import type { InterceptionEventBatch } from './recording-jobs';

const tracer = trace.getTracer('tollgate-recording');

/**
 * Runs the delivery of one batch in a `tollgate.record.batch` producer span that links to the interception of every
 * event in it (each event carries its interception's trace context). The delivery runs detached from whatever request
 * happened to fill the batch, so the transport's own spans (Redis, SQL) land under the batch, not under that request.
 */
export function deliverInBatchSpan(batch: InterceptionEventBatch, destination: string, deliver: () => Promise<void>): Promise<void> {
  const span = tracer.startSpan(
    'tollgate.record.batch',
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.destination.name': destination, 'messaging.batch.message_count': batch.events.length, 'tollgate.batch.id': batch.batchId },
    },
    ROOT_CONTEXT,
  );
  if (span.isRecording()) span.addLinks(eventLinks(batch));
  return context.with(trace.setSpan(ROOT_CONTEXT, span), deliver).then(
    () => span.end(),
    (error: unknown) => {
      const errorType = (error as Error)?.name || 'error';
      span.setAttribute('error.type', errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
      span.end();
      throw error;
    },
  );
}

function eventLinks(batch: InterceptionEventBatch): Link[] {
  const links: Link[] = [];
  for (const event of batch.events) {
    if (!event.trace) continue;
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, event.trace));
    // No attributes: each costs the exporter work per event, and the linked span names the interception already.
    if (spanContext) links.push({ context: spanContext });
  }
  return links;
}
