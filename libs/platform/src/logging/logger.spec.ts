import { Writable } from 'node:stream';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createLogger } from './logger';

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };

describe('createLogger', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  let lines: Record<string, unknown>[];
  let logger: ReturnType<typeof createLogger>;

  beforeAll(() => {
    // The same context manager the Node SDK installs: the active span follows async work.
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });
  beforeEach(() => {
    lines = [];
    logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    });
  });

  it('puts trace_id and span_id of the active span on each JSON line, across awaits', async () => {
    const span = trace.wrapSpanContext(SPAN);
    await context.with(trace.setSpan(context.active(), span), async () => {
      logger.info({ interceptionId: 'i-1' }, 'inside the span');
      await new Promise((resolve) => setImmediate(resolve));
      logger.warn('still inside, after an await');
    });

    expect(lines).toEqual([
      expect.objectContaining({ msg: 'inside the span', interceptionId: 'i-1', trace_id: SPAN.traceId, span_id: SPAN.spanId }),
      expect.objectContaining({ msg: 'still inside, after an await', trace_id: SPAN.traceId, span_id: SPAN.spanId }),
    ]);
  });

  it('uses the innermost span, and adds no ids outside any span', () => {
    const child = { ...SPAN, spanId: 'b7ad6b7169203331' };
    context.with(trace.setSpan(context.active(), trace.wrapSpanContext(SPAN)), () => {
      context.with(trace.setSpan(context.active(), trace.wrapSpanContext(child)), () => logger.info('in the child'));
    });
    logger.info('outside');

    expect(lines[0]).toMatchObject({ trace_id: SPAN.traceId, span_id: child.spanId });
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('span_id');
  });
});
