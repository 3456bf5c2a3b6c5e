import { context, propagation, SpanStatusCode, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { ConsumerSpans, inTransactionSpan } from './recorder.tracing';

/** Reads a W3C `traceparent` (what the gateway's propagator writes into each event). */
const traceparentReader: TextMapPropagator = {
  inject: () => undefined,
  fields: () => ['traceparent'],
  extract(parentContext, carrier) {
    const [, traceId, spanId, flags] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec((carrier as Record<string, string>).traceparent ?? '') ?? [];
    if (!traceId) return parentContext;
    return trace.setSpanContext(parentContext, { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true });
  },
};

const traceparent = (traceId: string, spanId: string, sampled = true) => ({ traceparent: `00-${traceId}-${spanId}-0${sampled ? 1 : 0}` });

describe('recorder tracing', () => {
  const spans = new InMemorySpanExporter();

  beforeAll(() => {
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(traceparentReader);
  });
  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });
  beforeEach(() => spans.reset());

  const finished = (name: string) => spans.getFinishedSpans().filter((span) => span.name === name);

  it("starts each event's consumer span as a child of the context the event carries", () => {
    const started = buildStartedEvent({ trace: traceparent('a'.repeat(32), '1'.repeat(16)) });
    const ended = buildEndedEvent(started, { trace: traceparent('b'.repeat(32), '2'.repeat(16)) });

    const consumer = ConsumerSpans.start([started, ended], { id: 'batch_1', attemptsMade: 2 });
    consumer.end(0);
    consumer.end(1, new Error('boom'));

    const [startedSpan] = finished('tollgate.recorder.interception.started');
    expect(startedSpan.spanContext().traceId).toBe('a'.repeat(32));
    expect(startedSpan.parentSpanContext?.spanId).toBe('1'.repeat(16));
    expect(startedSpan.attributes).toEqual({
      'tollgate.interception.id': started.interceptionId,
      'messaging.system': 'bullmq',
      'messaging.message.id': 'batch_1',
      'tollgate.job.attempt': 3,
    });
    const [endedSpan] = finished('tollgate.recorder.interception.ended');
    expect(endedSpan.spanContext().traceId).toBe('b'.repeat(32));
    expect(endedSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error' });
  });

  it("runs a transaction's SQL in a span linked to every event's consumer span, child of the first", async () => {
    const events = [
      buildStartedEvent({ trace: traceparent('a'.repeat(32), '1'.repeat(16)) }),
      buildStartedEvent({ trace: traceparent('b'.repeat(32), '2'.repeat(16)) }),
    ];
    const otherJob = [buildStartedEvent({ trace: traceparent('c'.repeat(32), '3'.repeat(16)) })];
    const first = ConsumerSpans.start(events, { id: 'batch_1', attemptsMade: 0 });
    const second = ConsumerSpans.start(otherJob, { id: 'batch_2', attemptsMade: 0 });

    await inTransactionSpan([first.traceOf([0, 1]), second.traceOf([0])], 3, async () => {
      trace.getTracer('pg').startSpan('INSERT interceptions').end();
    });
    [0, 1].forEach((index) => first.end(index));
    second.end(0);

    const consumers = spans.getFinishedSpans().filter((span) => span.name.startsWith('tollgate.recorder.'));
    const [transaction] = finished('tollgate.recording.transaction');
    expect(transaction.links.map((link) => link.context.spanId).sort()).toEqual(consumers.map((span) => span.spanContext().spanId).sort());
    expect(transaction.parentSpanContext?.spanId).toBe(consumers.find((span) => span.spanContext().traceId === 'a'.repeat(32))?.spanContext().spanId);
    expect(transaction.attributes).toEqual({ 'tollgate.recording.events': 3 });
    const [sql] = finished('INSERT interceptions');
    expect(sql.parentSpanContext?.spanId).toBe(transaction.spanContext().spanId);
  });

  it('opens no transaction span when no event is traced (here: not sampled upstream)', async () => {
    const unsampled = buildStartedEvent({ trace: traceparent('d'.repeat(32), '4'.repeat(16), false) });
    const consumer = ConsumerSpans.start([unsampled], { id: 'batch_3', attemptsMade: 0 });
    const jobTrace = consumer.traceOf([0]);
    expect(jobTrace).toEqual({ parent: undefined, links: [] });

    await inTransactionSpan([jobTrace], 1, async () => expect(trace.getActiveSpan()).toBeUndefined());
    consumer.end(0);
    expect(spans.getFinishedSpans()).toEqual([]);
  });
});
