import { readTelemetryEnv } from '../config/telemetry-env';

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
  // Required only here: with tracing off, the SDK and its instrumentations (about 40 MiB of memory) are never loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startNodeSdk } = require('./node-sdk.starter') as typeof import('./node-sdk.starter');
  const sdk = startNodeSdk(env.serviceName ?? defaultServiceName);
  current = { enabled: true, shutdown: () => sdk.shutdown() };
  return current;
}

/** Flushes and stops the SDK, if one was started. */
export async function shutdownTelemetry(): Promise<void> {
  await current?.shutdown();
}
