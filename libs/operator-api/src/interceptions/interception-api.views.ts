import type { UsageTotalsView } from '../usage/usage-api.views';

// What the interceptions and activity APIs answer (JSON): the contract the console is typed against.

export interface InterceptionView {
  id: string;
  initiatorId: string;
  provider: string;
  /** The provider instance that served (for a model alias, its serving target). */
  providerName: string;
  model: string;
  /** The model alias the client asked for; null when it named a model. */
  requestedModel: string | null;
  streaming: boolean;
  client: string;
  credentialKind: 'centralized' | 'byok';
  credentialSource: 'request' | 'stored' | 'pool';
  credentialHint: string;
  startedAt: string;
  endedAt: string | null;
  /** Milliseconds from start to end; null while in flight. */
  durationMs: number | null;
  status: 'ok' | 'error' | 'in_flight';
  errorType: string | null;
  errorMessage: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costMicros: number;
  costUsd: number;
}

export interface TokenUsageView {
  providerResponseId: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  extra: Record<string, number>;
  costMicros: number;
  priced: boolean;
  createdAt: string;
}

export interface InterceptionDetailView extends InterceptionView {
  userAgent: string;
  metadata: Record<string, unknown>;
  priceVersion: string | null;
  tokenUsages: TokenUsageView[];
  /** Jaeger's search for this interception's trace (`console.jaegerUrl`); null when not configured. */
  traceUrl: string | null;
}

export interface InterceptionListView {
  items: InterceptionView[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface ActivityBucketView extends UsageTotalsView {
  start: string;
  errors: number;
}

export interface ActivityView {
  from: string;
  /** Exclusive. */
  to: string;
  bucketSeconds: number;
  buckets: ActivityBucketView[];
  totals: UsageTotalsView & { errors: number };
}
