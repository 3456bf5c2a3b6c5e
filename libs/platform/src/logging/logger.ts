import pino, { type Logger } from 'pino';
import { redactSecrets } from './redact';

export type { Logger };

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Where to write; stdout by default. Tests pass a stream to inspect what was logged. */
  destination?: pino.DestinationStream;
  /** Extra fields merged into every line (the telemetry bootstrap adds trace_id/span_id this way). */
  mixin?: () => Record<string, unknown>;
}

/** JSON logs with every credential field redacted, whatever the caller passes. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      name: options.name,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: options.mixin,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
