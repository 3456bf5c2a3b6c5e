import { z } from 'zod';
import { encodeAwsCredential } from './aws-credential';
import { parseDurationMs } from './duration';
import { MIN_ADMIN_TOKEN_LENGTH, PUBLIC_FINGERPRINT_SECRET } from './public-defaults.policy';

/** The longest delay a Node timer honours: a longer one fires after 1 ms instead. */
const MAX_DURATION_MS = 2_147_483_647;

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDurationMs(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 500ms, 30s, 5m or 1h' });
    return z.NEVER;
  }
  if (ms > MAX_DURATION_MS) {
    ctx.addIssue({ code: 'custom', message: `must be at most 596h (${MAX_DURATION_MS}ms, the longest a timer can wait)` });
    return z.NEVER;
  }
  return ms;
});

/** A length of time that is compared with timestamps or given to Redis as a TTL, never to a Node timer: no 596h cap. */
const period = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDurationMs(value);
  if (ms === undefined || ms > Number.MAX_SAFE_INTEGER) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30d, 12h or 90m' });
    return z.NEVER;
  }
  return ms;
});

const byteSize = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+)\s*(b|kib|mib|gib|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'must be a size such as 32MiB, 512KiB or a number of bytes' });
    return z.NEVER;
  }
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
  const bytes = Number(match[1]) * factor[unit];
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a size of at least 1 byte and at most 8 PiB' });
    return z.NEVER;
  }
  return bytes;
});

const httpUrl = z
  .string()
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), { message: 'must be an http(s) URL' });

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const awsAccessKeySchema = z
  .object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string().optional() })
  .strict();

/** Deployment names as Azure allows them: letters, digits, `-`, `_` and `.`, at most 64 characters. */
const azureDeploymentName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be an Azure deployment name (letters, digits, - _ .; at most 64)' });

const azureDeploymentSchema = z
  .object({
    // Azure's dated API version, sent as ?api-version= on every call.
    apiVersion: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, { message: 'must be an Azure OpenAI API version such as 2024-10-21 or 2025-04-01-preview' })
      .default('2025-04-01-preview'),
    // Model a client names → the deployment serving it; a model not listed is used as the deployment name.
    deployments: z.record(z.string().min(1), azureDeploymentName).default({}),
  })
  .strict();

const providerSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must match ^[a-z0-9]+(-[a-z0-9]+)*$' }),
    type: z.enum(['openai', 'anthropic', 'gemini']),
    baseUrl: httpUrl.optional(),
    // A string is a provider key (for a Bedrock upstream: a Bedrock API key, sent as a Bearer token); an object is
    // an AWS access key (Bedrock upstream only), encoded into one pool entry below.
    keys: z.array(z.union([z.string(), awsAccessKeySchema])).default([]),
    strategy: z.enum(['ordered', 'round-robin']).default('ordered'),
    authFailure: z.enum(['disable', 'cooldown']).default('disable'),
    authCooldown: duration.default(60_000),
    defaultCooldown: duration.default(60_000),
    maxCooldown: duration.default(3_600_000),
    // Users may store their own OpenAI-compatible endpoint (baseUrl) for this provider; openai type only.
    userEndpoints: z.boolean().default(false),
    // Where an anthropic provider's requests go: Anthropic's API, or Claude on AWS Bedrock (needs `region`).
    upstream: z.enum(['direct', 'bedrock']).default('direct'),
    region: z.string().regex(AWS_REGION, { message: 'must be an AWS region such as us-east-1' }).optional(),
    // Bedrock upstream: client model name → Bedrock model id or inference profile id, over the built-in defaults.
    modelIds: z.record(z.string().min(1), z.string().min(1, { message: 'must not be empty' })).optional(),
    // The header pool keys go upstream in: `Authorization: Bearer` (default) or `api-key` (Azure OpenAI); openai type only.
    auth: z.enum(['bearer', 'api-key']).default('bearer'),
    // Azure OpenAI's classic deployment URLs (/openai/deployments/{deployment}/…?api-version=…); openai type only.
    azure: azureDeploymentSchema.optional(),
  })
  .strict()
  .transform((provider, ctx) => {
    const { keys, ...rest } = provider;
    const bedrock = provider.upstream === 'bedrock';
    if (bedrock && provider.type !== 'anthropic') ctx.addIssue({ code: 'custom', path: ['upstream'], message: 'bedrock is an upstream of the anthropic type only' });
    if (bedrock && provider.region === undefined) ctx.addIssue({ code: 'custom', path: ['region'], message: 'is required with upstream: bedrock' });
    if (!bedrock && provider.region !== undefined) ctx.addIssue({ code: 'custom', path: ['region'], message: 'is only for upstream: bedrock' });
    if (!bedrock && provider.modelIds !== undefined) ctx.addIssue({ code: 'custom', path: ['modelIds'], message: 'is only for upstream: bedrock' });
    const entries: string[] = [];
    keys.forEach((key, index) => {
      if (typeof key === 'string') {
        // Entries that interpolate to an empty string (an unset optional variable) are dropped: a provider may have
        // no pooled keys at all and serve only bring-your-own-key requests.
        if (key.trim().length > 0) entries.push(key.trim());
        return;
      }
      if (!bedrock) {
        ctx.addIssue({ code: 'custom', path: ['keys', index], message: 'an AWS access key is only for upstream: bedrock; a key is a string' });
        return;
      }
      const accessKeyId = key.accessKeyId.trim();
      const secretAccessKey = key.secretAccessKey.trim();
      const sessionToken = key.sessionToken?.trim() || undefined;
      if (accessKeyId === '' && secretAccessKey === '') return; // unset optional variables, as for a string entry
      if (accessKeyId === '') ctx.addIssue({ code: 'custom', path: ['keys', index, 'accessKeyId'], message: 'must not be empty' });
      else if (secretAccessKey === '') ctx.addIssue({ code: 'custom', path: ['keys', index, 'secretAccessKey'], message: 'must not be empty' });
      else entries.push(encodeAwsCredential({ accessKeyId, secretAccessKey, sessionToken }));
    });
    return { ...rest, keys: entries };
  });

const tokenSchema = z
  .object({
    token: z.string().startsWith('tg_', { message: 'must start with tg_' }).min(8, { message: 'is too short' }),
    user: z.string().min(1, { message: 'must not be empty' }),
  })
  .strict();

const usdPerMillion = z.number().min(0, { message: 'must be a number ≥ 0 (USD per million tokens)' });

const limitSetSchema = z
  .object({
    requestsPerMinute: z.number().int().min(1).optional(),
    tokensPerMinute: z.number().int().min(1).optional(),
    concurrent: z.number().int().min(1).optional(),
  })
  .strict();

const modelPolicySchema = z
  .object({
    allow: z.array(z.string().min(1).max(512)).optional(),
    deny: z.array(z.string().min(1).max(512)).optional(),
  })
  .strict();

const priceEntrySchema = z
  .object({
    // A provider instance name, or * for all of them.
    provider: z.string().min(1).default('*'),
    // A model name, or a glob where * stands for any run of characters.
    model: z.string().min(1, { message: 'must not be empty' }),
    input: usdPerMillion,
    output: usdPerMillion,
    // Unset: charged like input tokens.
    cacheRead: usdPerMillion.optional(),
    cacheWrite: usdPerMillion.optional(),
  })
  .strict();

const regexList = z.array(
  z.string().refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, { message: 'must be a valid regular expression' }),
);

const mcpServerSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/, { message: 'must match ^[a-z0-9-]+$' }),
    // Streamable HTTP transport endpoint of the MCP server.
    url: httpUrl,
    headers: z.record(z.string(), z.string()).default({}),
    // Regexes on the server's tool names; deny wins over allow; no allow list: every tool not denied.
    allow: regexList.optional(),
    deny: regexList.default([]),
  })
  .strict();

const aliasTargetSchema = z
  .object({
    // A configured provider instance; every target of an alias must be of the same type (API family).
    provider: z.string().min(1, { message: 'must name a provider' }),
    // The model the target provider is asked for (the body's `model` is replaced by it).
    model: z.string().min(1, { message: 'must not be empty' }).max(256),
  })
  .strict();

const aliasSchema = z
  .object({
    // The model name clients send; an alias may share its name with one of its own targets' models.
    name: z.string().min(1, { message: 'must not be empty' }).max(256),
    // Tried in order: the next one when the current one's pool is exhausted, it answers 5xx, cannot be reached or its breaker is open.
    targets: z.array(aliasTargetSchema).min(1, { message: 'must list at least one target' }),
  })
  .strict();

/** First path segments the gateway serves itself; a provider cannot be named after one. */
const RESERVED_PREFIXES = new Set(['v1', 'admin', 'healthz', 'readyz', 'metrics', 'console', 'openapi.json']);

export const configFileSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.coerce.number().int().min(0).max(65535).default(8080),
        maxBodyBytes: byteSize.default(32 * 1024 * 1024),
        // Bodies of the admin and user APIs (/admin/…, /v1/me/…).
        apiMaxBodyBytes: byteSize.default(1024 * 1024),
        // A request's headers, and the whole request (headers and body), must arrive within these.
        headersTimeout: duration.default(10_000),
        requestTimeout: duration.default(60_000),
        upstream: z
          .object({
            connectTimeout: duration.default(10_000),
            firstByteTimeout: duration.default(600_000),
            idleTimeout: duration.default(300_000),
            // A blocking (non-streamed) upstream response body larger than this is refused with 502.
            maxResponseBytes: byteSize.default(64 * 1024 * 1024),
            // One SSE event (or line) of a streamed response larger than this cuts the stream.
            maxEventBytes: byteSize.default(8 * 1024 * 1024),
          })
          .strict()
          .prefault({}),
        anthropicPingInterval: duration.default(10_000),
        shutdown: z
          .object({
            // After SIGTERM /readyz answers 503 at once; the listener stays open this long so load balancers notice.
            grace: duration.default(5_000),
            // In-flight requests and streams may run this long after the grace before connections are cut.
            drainTimeout: duration.default(40_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    providers: z.array(providerSchema).default([]),
    auth: z
      .object({
        tokens: z.array(tokenSchema).default([]),
        adminTokens: z
          .array(
            z.string().refine((token) => token.length === 0 || token.length >= MIN_ADMIN_TOKEN_LENGTH, {
              message: `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. "$(openssl rand -hex 24)")`,
            }),
          )
          .default([])
          .transform((tokens) => tokens.filter((token) => token.length > 0)),
      })
      .strict()
      .prefault({}),
    circuitBreaker: z
      .object({
        enabled: z.boolean().default(true),
        failureThreshold: z.number().int().min(1).default(5),
        window: duration.default(10_000),
        openFor: duration.default(30_000),
        halfOpenTrials: z.number().int().min(1).default(3),
      })
      .strict()
      .prefault({}),
    keyPool: z
      .object({
        // Key for the HMAC that names a key in Redis. Set the same value on every replica.
        // Unset: TOLLGATE_KEY_FINGERPRINT_SECRET, else the public default (refused unless the gateway binds loopback).
        fingerprintSecret: z.string().min(1).default(PUBLIC_FINGERPRINT_SECRET),
        redisKeyPrefix: z.string().default('tollgate:'),
      })
      .strict()
      .prefault({}),
    recording: z
      .object({
        failurePolicy: z.enum(['closed', 'open']).default('closed'),
        // none: `interception.started` joins the next batch and the upstream call starts at once. queued: the request
        // waits until the batch holding its `started` is accepted by the queue (or committed, in embedded mode).
        startedAck: z.enum(['none', 'queued']).default('none'),
        // Events held in memory until the queue accepts them; past it, failurePolicy decides.
        maxPendingEvents: z.number().int().min(2).default(100_000),
        batch: z
          .object({
            maxEvents: z.number().int().min(1).max(10_000).default(256),
            maxDelay: duration.default(5),
          })
          .strict()
          .prefault({}),
        // One enqueue of a batch not accepted within this long counts as failed and is tried again.
        enqueueTimeout: duration.optional(),
        // The name of enqueueTimeout before events were batched; still accepted.
        endedTimeout: duration.optional(),
        queueName: z.string().min(1).default('tollgate-interceptions'),
        queuePrefix: z.string().min(1).default('tollgate'),
        // Queues the events are spread over by interception id; the same value on every gateway and recorder.
        queueShards: z.number().int().min(1).max(256).default(1),
        // The shard count before a change of queueShards: recorders consume those queues too until they are empty.
        drainQueueShards: z.number().int().min(1).max(256).optional(),
        // Seed nodes of a Redis Cluster holding the recording queue (instead of REDIS_URL's Redis).
        redisCluster: z.array(z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')).default([]),
        attempts: z.number().int().min(1).default(12),
        backoff: duration.default(1_000),
        runMigrationsAtStart: z.boolean().default(true),
        worker: z
          .object({
            // Events per database transaction: the events of several jobs are written together.
            batchSize: z.number().int().min(1).max(10_000).default(1_000),
            batchMaxWait: duration.default(20),
            // Jobs (batches) the worker holds at once (jobs whose started events wait for their ended events count).
            concurrency: z.number().int().min(1).max(1024).default(64),
            // Longest a started event waits for its ended event, to be written with it as one finished row.
            pairWait: duration.default(200),
          })
          .strict()
          .prefault({}),
        // How much prompt and tool-call text is recorded: full (capped), truncated (a short head) or off (none).
        prompts: z.enum(['full', 'truncated', 'off']).default('full'),
        // The recorder deletes interceptions (and their rows) older than this; unset: kept for ever.
        retention: period.refine((ms) => ms >= 3_600_000, { message: 'must be at least 1h' }).optional(),
        // How often the recorder looks for interceptions past the retention.
        retentionInterval: duration.default(300_000),
      })
      .strict()
      .prefault({}),
    byok: z
      .object({
        mode: z.enum(['disabled', 'prefer', 'require']).default('prefer'),
        // Plain http is refused for user endpoints except to these host names.
        allowHttpHosts: z.array(z.string().min(1)).default([]),
        // Ports user endpoints may use besides 443.
        allowedPorts: z.array(z.number().int().min(1).max(65535)).default([]),
        // Address ranges user endpoints may never reach, on top of the built-in private and reserved ranges.
        denyCidrs: z.array(z.string().min(1)).default([]),
        verifyTimeout: duration.default(10_000),
      })
      .strict()
      .prefault({}),
    identity: z
      .object({
        // How often each replica follows changes to users, tokens and stored keys made elsewhere.
        pollInterval: duration.default(2_000),
      })
      .strict()
      .prefault({}),
    prices: z
      .object({
        // Start from the built-in, dated table (docs/usage.md); entries override it.
        useDefaults: z.boolean().default(true),
        entries: z.array(priceEntrySchema).default([]),
      })
      .strict()
      .prefault({}),
    budgets: z
      .object({
        // Every user's budget on centralized spend unless their own is set (docs/usage.md); unset: no default limit.
        default: z
          .object({ amount: z.number().finite().min(0), period: z.enum(['day', 'week', 'month']) })
          .strict()
          .optional(),
        estimate: z
          .object({
            defaultMaxOutputTokens: z.number().int().min(0).default(4096),
            charsPerToken: z.number().positive().default(4),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        // Every user's rate and concurrency limits unless their own are set (docs/limits.md); unset: no default.
        default: limitSetSchema.optional(),
        // Whether requests paid with a user's own key count toward request and concurrency limits.
        byok: z.enum(['count', 'exempt']).default('count'),
        // A concurrency slot of a replica that stopped renewing it (crashed) is freed this long after its last renewal.
        concurrencyLease: duration.refine((ms) => ms >= 1000, { message: 'must be at least 1s' }).default(30_000),
      })
      .strict()
      .prefault({}),
    routing: z
      .object({
        // docs/providers.md, "Model aliases with fallback (`routing.aliases`)".
        aliases: z.array(aliasSchema).default([]),
      })
      .strict()
      .prefault({}),
    // The deployment's model policy (docs/limits.md); unset: every configured model may be used.
    models: modelPolicySchema.optional(),
    mcp: z
      .object({
        servers: z.array(mcpServerSchema).default([]),
        // Upstream calls per interception in the server-side tool loop.
        maxIterations: z.number().int().min(1).default(8),
        toolTimeout: duration.default(30_000),
        // How often tool lists are fetched again (and servers that were down retried).
        refreshInterval: duration.default(60_000),
        connectTimeout: duration.default(10_000),
        // Tools are injected for pool keys only, unless these allow a user's own key (at the operator's base URL) or
        // a user's own endpoint: the operator's tools and their results must not go to an account or server a user chose.
        userKeys: z.boolean().default(false),
        userEndpoints: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    storedObjects: z
      .object({
        // How long the gateway remembers who created a stored response or conversation with a pool key (sliding:
        // every use by anyone restarts it). OpenAI keeps stored responses 30 days by default.
        ownerTtl: period.default(720 * 3_600_000),
      })
      .strict()
      .prefault({}),
    console: z
      .object({
        // Serve the admin console under /console (static files; no route of the provider surface changes).
        enabled: z.boolean().default(true),
        // The built console (`node tools/build.mjs console`), relative to the working directory.
        assetsDir: z.string().min(1).default('./dist/console'),
        // Jaeger's UI, for the trace link of an interception (e.g. http://localhost:16686); unset: no link.
        jaegerUrl: httpUrl.optional(),
        // The service the gateway's spans are reported as (OTEL_SERVICE_NAME of the gateway).
        jaegerService: z.string().min(1).default('tollgate-gateway'),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
    dataDir: z.string().min(1).default('./data'),
    redisUrl: z.string().optional(),
    databaseUrl: z.string().optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.server.headersTimeout > config.server.requestTimeout) {
      ctx.addIssue({ code: 'custom', path: ['server', 'headersTimeout'], message: 'must not be longer than server.requestTimeout' });
    }
    const seen = new Set<string>();
    config.providers.forEach((provider, index) => {
      if (RESERVED_PREFIXES.has(provider.name)) {
        ctx.addIssue({ code: 'custom', path: ['providers', index, 'name'], message: `"${provider.name}" is reserved for the gateway's own routes` });
      }
      if (provider.userEndpoints && provider.type !== 'openai') {
        ctx.addIssue({ code: 'custom', path: ['providers', index, 'userEndpoints'], message: 'user endpoints are OpenAI-compatible: only for type openai' });
      }
      checkAzureProvider(provider, ['providers', index], ctx);
      if (seen.has(provider.name)) {
        ctx.addIssue({ code: 'custom', path: ['providers', index, 'name'], message: `duplicate provider name "${provider.name}"` });
      }
      seen.add(provider.name);
    });
    const servers = new Set<string>();
    config.mcp.servers.forEach((server, index) => {
      if (servers.has(server.name)) {
        ctx.addIssue({ code: 'custom', path: ['mcp', 'servers', index, 'name'], message: `duplicate MCP server name "${server.name}"` });
      }
      servers.add(server.name);
    });
    aliasProblems(config).forEach((problem) => ctx.addIssue({ code: 'custom', ...problem }));
    const tokens = new Set<string>();
    config.auth.tokens.forEach((entry, index) => {
      if (tokens.has(entry.token)) {
        ctx.addIssue({ code: 'custom', path: ['auth', 'tokens', index, 'token'], message: 'duplicate token' });
      }
      tokens.add(entry.token);
    });
  });

/** `auth: api-key` and `azure` are Azure OpenAI's: an openai provider whose baseUrl is the Azure resource. */
function checkAzureProvider(provider: z.output<typeof providerSchema>, path: Array<string | number>, ctx: z.RefinementCtx): void {
  if (provider.type !== 'openai') {
    if (provider.auth !== 'bearer') ctx.addIssue({ code: 'custom', path: [...path, 'auth'], message: 'auth: api-key is Azure OpenAI\'s: only for type openai' });
    if (provider.azure) ctx.addIssue({ code: 'custom', path: [...path, 'azure'], message: 'azure deployments are Azure OpenAI\'s: only for type openai' });
    return;
  }
  const azure = provider.auth === 'api-key' || provider.azure !== undefined;
  if (azure && provider.userEndpoints) {
    ctx.addIssue({ code: 'custom', path: [...path, 'userEndpoints'], message: 'user endpoints are plain OpenAI-compatible endpoints: not with auth: api-key or azure' });
  }
  if (!azure) return;
  if (provider.baseUrl === undefined) {
    const example = provider.azure ? 'https://{resource}.openai.azure.com/' : 'https://{resource}.openai.azure.com/openai/v1/';
    ctx.addIssue({ code: 'custom', path: [...path, 'baseUrl'], message: `an Azure OpenAI provider needs its resource's baseUrl, e.g. ${example}` });
  } else if (provider.azure && /\/openai(\/|$)/.test(new URL(provider.baseUrl).pathname)) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'baseUrl'],
      message: 'with azure (deployment URLs) baseUrl is the resource endpoint, e.g. https://{resource}.openai.azure.com/ — the gateway adds /openai/deployments/…',
    });
  }
}

export type ConfigFile = z.output<typeof configFileSchema>;

interface AliasProblem {
  path: (string | number)[];
  message: string;
}

/**
 * What is wrong with `routing.aliases`: a target naming no configured provider, targets of more than one API family,
 * the same target twice, an alias name given twice within one family, and a target model that is another alias of
 * its family (aliases do not chain: it would be ambiguous which one a client meant).
 */
function aliasProblems(config: { providers: { name: string; type: string }[]; routing: { aliases: z.output<typeof aliasSchema>[] } }): AliasProblem[] {
  const problems: AliasProblem[] = [];
  const typeOf = new Map(config.providers.map((provider) => [provider.name, provider.type]));
  const familyOf: (string | undefined)[] = [];
  const seen = new Set<string>();
  config.routing.aliases.forEach((alias, index) => {
    const path = ['routing', 'aliases', index];
    let family: string | undefined;
    const targets = new Set<string>();
    alias.targets.forEach((target, position) => {
      const type = typeOf.get(target.provider);
      if (type === undefined) {
        const known = [...typeOf.keys()].join(', ') || 'none';
        problems.push({ path: [...path, 'targets', position, 'provider'], message: `unknown provider "${target.provider}" (configured: ${known})` });
        return;
      }
      if (family === undefined) family = type;
      else if (type !== family) {
        problems.push({ path: [...path, 'targets', position, 'provider'], message: `provider "${target.provider}" is of type ${type}, but the alias's first target is ${family}: the targets of an alias must share one API family` });
      }
      const key = `${target.provider}\u0000${target.model}`;
      if (targets.has(key)) problems.push({ path: [...path, 'targets', position], message: `duplicate target ${target.provider}/${target.model}` });
      targets.add(key);
    });
    familyOf.push(family);
    if (family === undefined) return;
    const key = `${family}\u0000${alias.name}`;
    if (seen.has(key)) problems.push({ path: [...path, 'name'], message: `duplicate alias "${alias.name}" for ${family} providers` });
    seen.add(key);
  });
  config.routing.aliases.forEach((alias, index) => {
    alias.targets.forEach((target, position) => {
      const chained = config.routing.aliases.findIndex((other, otherIndex) => otherIndex !== index && other.name === target.model && familyOf[otherIndex] === familyOf[index]);
      if (chained !== -1 && target.model !== alias.name) {
        problems.push({
          path: ['routing', 'aliases', index, 'targets', position, 'model'],
          message: `"${target.model}" is the name of another alias (routing.aliases[${chained}]); aliases do not chain: name a provider model`,
        });
      }
    });
  });
  return problems;
}
