/**
 * How an interception stands: `ok` (ended without an error), `error` (ended with one) or `in_flight` (not ended yet,
 * or its end was never recorded).
 */
export const INTERCEPTION_STATUSES = ['ok', 'error', 'in_flight'] as const;
export type InterceptionStatus = (typeof INTERCEPTION_STATUSES)[number];

/** Which interceptions to list, newest first. Every field narrows the list; unset fields do not. */
export interface InterceptionFilter {
  initiatorId?: string;
  /** The provider instance name (`openai`, `anthropic-eu`…). */
  providerName?: string;
  model?: string;
  status?: InterceptionStatus;
  /** Started at or after… */
  from?: Date;
  /** …and before (exclusive). */
  to?: Date;
  limit: number;
  /** The `next` of the previous page. */
  after?: string;
}

/** Token counts summed over an interception's upstream responses, and its cost (integer micro-dollars). */
export interface InterceptionTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costMicros: number;
}

export interface InterceptionSummary extends InterceptionTotals {
  id: string;
  initiatorId: string;
  /** The provider type (`openai`, `anthropic`). */
  provider: string;
  /** The provider instance that served; for a model alias, the target that served it (or the last one tried). */
  providerName: string;
  /** The model sent upstream (for a model alias, the serving target's). */
  model: string;
  /** The model alias the client asked for (`routing.aliases`); null when it named a model. */
  requestedModel: string | null;
  streaming: boolean;
  client: string;
  credentialKind: 'centralized' | 'byok';
  credentialSource: 'request' | 'stored' | 'pool';
  /** The credential's mask (for centralized requests, the last pool key handed out); never the credential. */
  credentialHint: string;
  startedAt: Date;
  endedAt: Date | null;
  status: InterceptionStatus;
  errorType: string | null;
  errorMessage: string | null;
}

/** One upstream response that reported usage. */
export interface TokenUsageRecord {
  providerResponseId: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  extra: Record<string, number>;
  costMicros: number;
  /** False when no price matched the model (its cost is then 0). */
  priced: boolean;
  createdAt: Date;
}

export interface InterceptionDetail extends InterceptionSummary {
  userAgent: string;
  metadata: Record<string, unknown>;
  /** The price table that priced it; null until it ends. */
  priceVersion: string | null;
  tokenUsages: TokenUsageRecord[];
}

export interface InterceptionPage {
  items: InterceptionSummary[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** Traffic over [from, to) in buckets of `bucketSeconds`, the first starting at `from`. */
export interface ActivityQuery {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

export interface ActivityBucket extends InterceptionTotals {
  start: Date;
  interceptions: number;
  errors: number;
}

/** When a pool key (named by provider instance and hint) was last handed out, as recorded. */
export interface PoolKeyUse {
  providerName: string;
  hint: string;
  lastUsedAt: Date;
}

/**
 * Reads the recorded interceptions for operators (the console and the admin API). The gateway depends on this port;
 * the persistence lib implements it in SQL over the recording tables.
 */
export interface InterceptionStore {
  list(filter: InterceptionFilter): Promise<InterceptionPage>;
  find(id: string): Promise<InterceptionDetail | undefined>;
  /** Only the buckets with at least one interception, in order; `fillActivity` adds the empty ones. */
  activity(query: ActivityQuery): Promise<ActivityBucket[]>;
  /** The last recorded use of each of these pool keys; keys never recorded are left out. */
  poolKeyUses(keys: ReadonlyArray<{ providerName: string; hint: string }>): Promise<PoolKeyUse[]>;
}

/** Every bucket of the query, in order, with zeros where nothing was recorded. */
export function fillActivity(query: ActivityQuery, recorded: readonly ActivityBucket[]): ActivityBucket[] {
  const byStart = new Map(recorded.map((bucket) => [bucket.start.getTime(), bucket]));
  const buckets: ActivityBucket[] = [];
  const stepMs = query.bucketSeconds * 1000;
  for (let start = query.from.getTime(); start < query.to.getTime(); start += stepMs) {
    buckets.push(
      byStart.get(start) ?? {
        start: new Date(start),
        interceptions: 0,
        errors: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costMicros: 0,
      },
    );
  }
  return buckets;
}

/** How an interception row's end and error read as a status. */
export function interceptionStatus(endedAt: Date | null, errorType: string | null): InterceptionStatus {
  if (errorType !== null) return 'error';
  return endedAt === null ? 'in_flight' : 'ok';
}
