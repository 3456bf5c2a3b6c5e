import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Starts the OpenTelemetry Node SDK (OTLP/HTTP from the standard OTEL_* variables) with our instrumentations. */
export function startNodeSdk(serviceName: string): NodeSDK {
  const sdk = new NodeSDK({
    serviceName,
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
  return sdk;
}
