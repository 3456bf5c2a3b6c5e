/** The standard OpenTelemetry variables Tollgate looks at before starting the SDK (which reads the rest itself). */
export interface TelemetryEnv {
  /** OTLP/HTTP traces endpoint, from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  serviceName?: string;
  disabled: boolean;
  /** Record prompt text on spans (off by default; `TOLLGATE_TRACE_PROMPTS=true`). */
  capturePrompts: boolean;
}

export function readTelemetryEnv(env: Record<string, string | undefined> = process.env): TelemetryEnv {
  return {
    endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    serviceName: env.OTEL_SERVICE_NAME || undefined,
    disabled: env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none',
    capturePrompts: env.TOLLGATE_TRACE_PROMPTS === 'true',
  };
}
