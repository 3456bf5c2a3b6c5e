export type ProviderType = 'openai' | 'anthropic' | 'gemini';

export interface ProviderConfig {
  name: string;
  type: ProviderType;
  /** Absent: the provider type's public API. */
  baseUrl?: string;
  /** Pool entries; for a Bedrock upstream an AWS access key is one entry in `encodeAwsCredential`'s form. */
  keys: string[];
  strategy: 'ordered' | 'round-robin';
  authFailure: 'disable' | 'cooldown';
  authCooldownMs: number;
  defaultCooldownMs: number;
  maxCooldownMs: number;
  userEndpoints: boolean;
  /** Set when an anthropic provider's upstream is Claude on AWS Bedrock. */
  bedrock?: BedrockUpstreamConfig;
  /** The header pool keys go upstream in; absent: `bearer` (`Authorization: Bearer`). `api-key`: Azure OpenAI. */
  auth?: 'bearer' | 'api-key';
  /** Azure OpenAI's classic deployment URLs; absent: the provider's paths as OpenAI has them (Azure's v1 endpoint too). */
  azure?: AzureDeploymentConfig;
}

export interface BedrockUpstreamConfig {
  region: string;
  /** Client model name → Bedrock model id or inference profile id, as configured (the built-in defaults apply beneath). */
  modelIds: Record<string, string>;
}

export interface AzureDeploymentConfig {
  apiVersion: string;
  /** Model a client names → deployment; a model not listed is used as the deployment name. */
  deployments: Record<string, string>;
}

export interface GatewayTokenConfig {
  token: string;
  user: string;
}

/** USD per million tokens for one provider instance (or `*`) and model glob; unset cache prices follow `input`. */
export interface PriceEntryConfig {
  provider: string;
  model: string;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** An MCP server whose tools are injected into every bridged request (docs/mcp.md). */
export interface McpServerConfig {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** Regexes on tool names; absent: every tool that no `deny` pattern matches. */
  allow?: string[];
  deny: string[];
}

/** One provider instance and the model it is asked for, as an alias target. */
export interface AliasTargetConfig {
  provider: string;
  model: string;
}

/** A model name clients send, served by its targets in order (docs/providers.md, "Model aliases with fallback (`routing.aliases`)"). */
export interface ModelAliasConfig {
  name: string;
  targets: AliasTargetConfig[];
}

/** The validated configuration. Durations are milliseconds; nothing else in the codebase reads the environment. */
export interface TollgateConfig {
  configPath: string;
  server: {
    host: string;
    port: number;
    maxBodyBytes: number;
    /** Request bodies of the admin and user APIs. */
    apiMaxBodyBytes: number;
    headersTimeoutMs: number;
    /** The whole request (headers and body) must arrive within this; 408 otherwise. */
    requestTimeoutMs: number;
    upstream: {
      connectTimeoutMs: number;
      firstByteTimeoutMs: number;
      idleTimeoutMs: number;
      /** A blocking upstream response body over this is refused (502 `upstream_response_too_large`). */
      maxResponseBytes: number;
      /** An SSE line or event over this cuts the stream with one error event. */
      maxEventBytes: number;
    };
    anthropicPingIntervalMs: number;
    shutdown: { graceMs: number; drainTimeoutMs: number };
  };
  providers: ProviderConfig[];
  auth: { tokens: GatewayTokenConfig[]; adminTokens: string[] };
  circuitBreaker: { enabled: boolean; failureThreshold: number; windowMs: number; openMs: number; halfOpenTrials: number };
  keyPool: { fingerprintSecret: string; redisKeyPrefix: string };
  recording: {
    failurePolicy: 'closed' | 'open';
    /** `queued`: a request waits until its `started` event is accepted by the queue (docs/recording.md). */
    startedAck: 'none' | 'queued';
    /** Events held in memory until the queue accepts them; past it, `failurePolicy` decides. */
    maxPendingEvents: number;
    /** A batch is sent when it holds `maxEvents` or its first event has waited `maxDelayMs`. */
    batch: { maxEvents: number; maxDelayMs: number };
    /** One enqueue not accepted within this long counts as failed and is tried again. */
    enqueueTimeoutMs: number;
    queueName: string;
    queuePrefix: string;
    /** Queues the events are spread over by interception id (docs/recording.md, "Sharding the queue"). */
    queueShards: number;
    /** The shard count before a change: recorders also consume those queues. */
    drainQueueShards?: number;
    /** Seed URLs of the Redis Cluster holding the recording queue; empty: the queue is on `redisUrl`. */
    redisCluster: string[];
    /** Processing attempts per job, set by the producer on each job. */
    attempts: number;
    backoffMs: number;
    runMigrationsAtStart: boolean;
    /** The recorder: events per transaction, longest wait to fill one, jobs held at once, a started event's wait for its end. */
    worker: { batchSize: number; batchMaxWaitMs: number; concurrency: number; pairWaitMs: number };
    /** Prompt and tool-call text recorded: `full` (capped), `truncated` (a short head) or `off` (docs/recording.md). */
    prompts: 'full' | 'truncated' | 'off';
    /** Interceptions older than this are deleted by the recorder, every `retentionIntervalMs`; unset: kept. */
    retentionMs?: number;
    retentionIntervalMs: number;
  };
  byok: {
    mode: 'disabled' | 'prefer' | 'require';
    allowHttpHosts: string[];
    allowedPorts: number[];
    denyCidrs: string[];
    verifyTimeoutMs: number;
    /** From TOLLGATE_ENCRYPTION_KEYS (`id:base64key,…`); unset: stored keys are off. Parsed by the gateway. */
    encryptionKeys?: string;
  };
  identity: { pollIntervalMs: number };
  /** What the recorder charges per token: the default table (unless `useDefaults` is false) overridden by `entries`. */
  prices: { useDefaults: boolean; entries: PriceEntryConfig[] };
  /** Limits on centralized (pool) spend; `default.amountMicros` per `period` applies to users without their own. */
  budgets: {
    default?: { amountMicros: number; period: 'day' | 'week' | 'month' };
    estimate: { defaultMaxOutputTokens: number; charsPerToken: number };
  };
  /** Rate and concurrency limits (docs/limits.md): `default` applies to users without their own limits. */
  limits: {
    default?: { requestsPerMinute?: number; tokensPerMinute?: number; concurrent?: number };
    byok: 'count' | 'exempt';
    /** How long a concurrency slot outlives its replica's last renewal (a crashed replica's slots). */
    concurrencyLeaseMs: number;
  };
  /** Model aliases with fallback; applied on live reload. */
  routing: { aliases: ModelAliasConfig[] };
  /** The deployment's model policy; unset: every model may be used. */
  models?: { allow?: string[]; deny?: string[] };
  mcp: {
    servers: McpServerConfig[];
    maxIterations: number;
    toolTimeoutMs: number;
    refreshIntervalMs: number;
    connectTimeoutMs: number;
    /** Inject tools for a user's own key sent to the provider's configured base URL (default: pool keys only). */
    userKeys: boolean;
    /** Inject tools for a user's own stored endpoint (default: never). */
    userEndpoints: boolean;
  };
  /** Who created each stored response / conversation (pool keys), remembered for `ownerTtlMs` since last use. */
  storedObjects: { ownerTtlMs: number };
  /** The admin console under /console; `jaegerUrl` unset: interceptions get no trace link. */
  console: { enabled: boolean; assetsDir: string; jaegerUrl?: string; jaegerService: string };
  logging: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  dataDir: string;
  /** Unset: embedded mode (key state in memory, recording in process). */
  redisUrl?: string;
  /** Unset: embedded PGlite under dataDir. */
  databaseUrl?: string;
}
