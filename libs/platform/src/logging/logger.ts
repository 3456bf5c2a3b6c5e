import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { redactSecrets } from './redact';

export type { Logger };

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Where to write; stdout by default. Tests pass a stream to inspect what was logged. */
  destination?: pino.DestinationStream;
}

/** `trace_id`/`span_id` of the active span, so a log line can be found from its trace and back. */
function traceContext(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

/** JSON logs with every credential field redacted, whatever the caller passes. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      name: options.name,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: traceContext,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
