import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import type { InterceptionEvent } from '@tollgate/recording';

const tracer = trace.getTracer('tollgate-recorder');

export interface ConsumedJob {
  id?: string;
  attemptsMade: number;
}

/** What the transaction writing some events needs of their consumer spans: links to them, the first as parent. */
export interface TransactionTrace {
  parent?: Context;
  links: Link[];
}

/**
 * The `tollgate.recorder.<event>` consumer span of each event of a job, child of the context the event carries
 * (the gateway's producer span). With tracing off these are the OpenTelemetry API's no-op spans and nothing else
 * is done per event.
 */
export class ConsumerSpans {
  private constructor(private readonly spans: Span[]) {}

  static start(events: readonly InterceptionEvent[], job: ConsumedJob): ConsumerSpans {
    return new ConsumerSpans(
      events.map((event) => {
        const parent = event.trace ? propagation.extract(ROOT_CONTEXT, event.trace) : ROOT_CONTEXT;
        const span = tracer.startSpan(`tollgate.recorder.${event.name}`, { kind: SpanKind.CONSUMER }, parent);
        if (span.isRecording()) {
          span.setAttributes({
            'tollgate.interception.id': event.interceptionId,
            'messaging.system': 'bullmq',
            'messaging.message.id': job.id ?? '',
            'tollgate.job.attempt': job.attemptsMade + 1,
          });
        }
        return span;
      }),
    );
  }

  /** The trace of a transaction writing the events at `indices`. */
  traceOf(indices: readonly number[]): TransactionTrace {
    const links: Link[] = [];
    let parent: Context | undefined;
    for (const index of indices) {
      const span = this.spans[index];
      if (!span.isRecording()) continue;
      links.push({ context: span.spanContext() });
      parent ??= trace.setSpan(ROOT_CONTEXT, span);
    }
    return { parent, links };
  }

  /** Ends the span of the event at `index`, as an error when its event was not recorded. */
  end(index: number, error?: Error): void {
    const span = this.spans[index];
    if (error && span.isRecording()) {
      const errorType = error.name || 'error';
      span.setAttribute('error.type', errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    }
    span.end();
  }
}

/**
 * Runs the write of one transaction in a `tollgate.recording.transaction` span (parent of its SQL) that links to the
 * consumer span of every event it writes, and is a child of the first of them, so that every interception's trace
 * reaches its rows. Without any recording span (tracing off), `write` runs as is.
 */
export function inTransactionSpan<T>(traces: readonly TransactionTrace[], eventCount: number, write: () => Promise<T>): Promise<T> {
  const links = traces.flatMap((jobTrace) => jobTrace.links);
  if (links.length === 0) return write();
  const parent = traces.find((jobTrace) => jobTrace.parent)?.parent ?? ROOT_CONTEXT;
  const options = { kind: SpanKind.INTERNAL, links, attributes: { 'tollgate.recording.events': eventCount } };
  return tracer.startActiveSpan('tollgate.recording.transaction', options, parent, async (span) => {
    try {
      return await write();
    } catch (error) {
      const errorType = (error as Error).name || 'error';
      span.setAttribute('error.type', errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
      throw error;
    } finally {
      span.end();
    }
  });
}
