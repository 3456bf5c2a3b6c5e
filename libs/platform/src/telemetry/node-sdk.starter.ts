import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Query parameters whose value a server span's `url.query` shows as `REDACTED`: the instrumentation's own defaults
 * (signed-URL signatures), and `key`, where Gemini clients put their API key or gateway token.
 */
export const REDACTED_QUERY_PARAMETERS: readonly string[] = [
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'key',
];

/**
 * Starts the OpenTelemetry Node SDK with our instrumentations: traces only, over OTLP/HTTP, configured by the standard
 * OTEL_* variables (endpoint, sampler `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, batch span processor
 * `OTEL_BSP_*`). Metrics are Prometheus' job (`/metrics`) and logs go to stdout: the SDK's OTLP metric and log
 * providers, on by default, would only add work to every request (the instrumentations record duration histograms
 * into any meter provider), so none is created.
 */
export function startNodeSdk(serviceName: string): NodeSDK {
  const sdk = new NodeSDK({
    serviceName,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
        // Outgoing calls go through undici (its own instrumentation) and ioredis; the only http.request callers are
        // the exporters themselves, whose requests are never traced.
        disableOutgoingRequestInstrumentation: true,
        redactedQueryParamsServer: [...REDACTED_QUERY_PARAMETERS],
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
