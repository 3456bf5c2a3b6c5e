import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { InterceptionEvent } from '@tollgate/recording';

const tracer = trace.getTracer('tollgate-recorder');

export interface ConsumedJob {
  id?: string;
  attemptsMade: number;
}

/**
 * Runs the handling of one event in a `tollgate.recorder.<event>` consumer span whose parent is the gateway's
 * producer span, carried in the event. The batch's SQL runs inside the context of the event that started the
 * batch, so its statements appear under that event's consumer span.
 */
export async function inConsumerSpan<T>(event: InterceptionEvent, job: ConsumedJob, handle: () => Promise<T>): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, event.trace ?? {});
  const span = tracer.startSpan(
    `tollgate.recorder.${event.name}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'tollgate.interception.id': event.interceptionId,
        'messaging.system': 'bullmq',
        'messaging.message.id': job.id ?? '',
        'tollgate.job.attempt': job.attemptsMade + 1,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    const errorType = (error as Error).name || 'error';
    span.setAttribute('error.type', errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    throw error;
  } finally {
    span.end();
  }
}
