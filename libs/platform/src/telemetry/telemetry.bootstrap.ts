import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { readTelemetryEnv } from '../config/telemetry-env';

const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface TelemetryHandle {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

let current: TelemetryHandle | undefined;

/**
 * Starts the OpenTelemetry SDK (OTLP/HTTP, configured only by the standard OTEL_* variables) before any module
 * it instruments is loaded. With no OTLP endpoint set, nothing starts and every span call is a no-op.
 */
export function startTelemetry(defaultServiceName: string): TelemetryHandle {
  if (current) return current;
  const env = readTelemetryEnv();
  if (!env.endpoint || env.disabled) {
    current = { enabled: false, shutdown: async () => undefined };
    return current;
  }
  const sdk = new NodeSDK({
    serviceName: env.serviceName ?? defaultServiceName,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
        // Header values (credentials) are never captured; only the default attributes are recorded.
      }),
      new UndiciInstrumentation(),
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  current = { enabled: true, shutdown: () => sdk.shutdown() };
  return current;
}

/** Flushes and stops the SDK, if one was started. */
export async function shutdownTelemetry(): Promise<void> {
  await current?.shutdown();
}
