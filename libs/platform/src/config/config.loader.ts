import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configFileSchema, type ConfigFile } from './config.schema';
import { interpolateEnv, type MissingVariable } from './interpolate';
import { publicDefaultProblems } from './public-defaults.policy';
import type { TollgateConfig } from './tollgate-config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

export interface LoadConfigOptions {
  env?: Env;
  /** Overrides TOLLGATE_CONFIG. */
  path?: string;
  /** Parsed YAML tree to use instead of reading a file (tests, embedded defaults). */
  document?: unknown;
  /**
   * The process serves the gateway: refuse the development token and the public fingerprint secret unless it binds
   * a loopback address (docs/configuration.md#public-defaults).
   */
  servesGateway?: boolean;
}

/** Reads, interpolates and validates the configuration once. Throws ConfigError naming each bad field. */
export function loadConfig(options: LoadConfigOptions = {}): TollgateConfig {
  const env = options.env ?? process.env;
  const configPath = resolve(options.path ?? env.TOLLGATE_CONFIG ?? 'tollgate.yaml');
  const document = options.document ?? readDocument(configPath, options.path !== undefined || env.TOLLGATE_CONFIG !== undefined);

  const { value: interpolated, missing } = interpolateEnv(document ?? {}, env);
  const parsed = configFileSchema.safeParse(applyEnvOverrides(interpolated, env));
  // A field whose variable is missing is reported once, as missing, not again for the empty string it became.
  const schemaProblems = parsed.success
    ? []
    : parsed.error.issues.filter((issue) => !missing.some((variable) => covers(variable, issuePath(issue)))).map(describeIssue);
  const problems = [...missing.map(({ path, name }) => `${path}: environment variable ${name} is not set`), ...schemaProblems];
  if (!parsed.success || missing.length > 0) throw new ConfigError(problems);
  const config = toTollgateConfig(parsed.data, configPath, env.TOLLGATE_ENCRYPTION_KEYS?.trim());
  const exposed = options.servesGateway ? publicDefaultProblems(config) : [];
  if (exposed.length > 0) throw new ConfigError(exposed);
  return config;
}

function covers(variable: MissingVariable, path: string): boolean {
  return path === variable.path || path.startsWith(`${variable.path}.`) || path.startsWith(`${variable.path}[`);
}

function readDocument(path: string, explicitlyNamed: boolean): unknown {
  if (!existsSync(path)) {
    if (explicitlyNamed) throw new ConfigError([`config file not found: ${path}`]);
    return {};
  }
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`]);
  }
}

function applyEnvOverrides(document: unknown, env: Env): unknown {
  const root = isRecord(document) ? { ...document } : {};
  if (env.PORT) root.server = { ...(isRecord(root.server) ? root.server : {}), port: env.PORT };
  if (env.REDIS_URL) root.redisUrl = env.REDIS_URL;
  if (env.DATABASE_URL) root.databaseUrl = env.DATABASE_URL;
  const keyPool = isRecord(root.keyPool) ? root.keyPool : {};
  if (keyPool.fingerprintSecret === undefined && env.TOLLGATE_KEY_FINGERPRINT_SECRET) {
    root.keyPool = { ...keyPool, fingerprintSecret: env.TOLLGATE_KEY_FINGERPRINT_SECRET };
  }
  return root;
}

function issuePath(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment)),
    '',
  );
  return path || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Zod's own messages never include the offending value, so a secret that failed validation is not echoed.
  const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  return `${issuePath(issue)}: ${message}`;
}

function toTollgateConfig(file: ConfigFile, configPath: string, encryptionKeys: string | undefined): TollgateConfig {
  return {
    configPath,
    server: {
      host: file.server.host,
      port: file.server.port,
      maxBodyBytes: file.server.maxBodyBytes,
      apiMaxBodyBytes: file.server.apiMaxBodyBytes,
      headersTimeoutMs: file.server.headersTimeout,
      requestTimeoutMs: file.server.requestTimeout,
      upstream: {
        connectTimeoutMs: file.server.upstream.connectTimeout,
        firstByteTimeoutMs: file.server.upstream.firstByteTimeout,
        idleTimeoutMs: file.server.upstream.idleTimeout,
        maxResponseBytes: file.server.upstream.maxResponseBytes,
        maxEventBytes: file.server.upstream.maxEventBytes,
      },
      anthropicPingIntervalMs: file.server.anthropicPingInterval,
      shutdown: { graceMs: file.server.shutdown.grace, drainTimeoutMs: file.server.shutdown.drainTimeout },
    },
    providers: file.providers.map((provider) => ({
      name: provider.name,
      type: provider.type,
      baseUrl: provider.baseUrl,
      keys: provider.keys,
      strategy: provider.strategy,
      authFailure: provider.authFailure,
      authCooldownMs: provider.authCooldown,
      defaultCooldownMs: provider.defaultCooldown,
      maxCooldownMs: provider.maxCooldown,
      userEndpoints: provider.userEndpoints,
      ...(provider.upstream === 'bedrock' ? { bedrock: { region: provider.region ?? '', modelIds: provider.modelIds ?? {} } } : {}),
      auth: provider.auth,
      ...(provider.azure ? { azure: provider.azure } : {}),
    })),
    auth: file.auth,
    circuitBreaker: {
      enabled: file.circuitBreaker.enabled,
      failureThreshold: file.circuitBreaker.failureThreshold,
      windowMs: file.circuitBreaker.window,
      openMs: file.circuitBreaker.openFor,
      halfOpenTrials: file.circuitBreaker.halfOpenTrials,
    },
    keyPool: file.keyPool,
    recording: {
      failurePolicy: file.recording.failurePolicy,
      startedAck: file.recording.startedAck,
      maxPendingEvents: file.recording.maxPendingEvents,
      batch: { maxEvents: file.recording.batch.maxEvents, maxDelayMs: file.recording.batch.maxDelay },
      enqueueTimeoutMs: file.recording.enqueueTimeout ?? file.recording.endedTimeout ?? 5_000,
      queueName: file.recording.queueName,
      queuePrefix: file.recording.queuePrefix,
      queueShards: file.recording.queueShards,
      drainQueueShards: file.recording.drainQueueShards,
      redisCluster: file.recording.redisCluster,
      attempts: file.recording.attempts,
      backoffMs: file.recording.backoff,
      runMigrationsAtStart: file.recording.runMigrationsAtStart,
      worker: {
        batchSize: file.recording.worker.batchSize,
        batchMaxWaitMs: file.recording.worker.batchMaxWait,
        concurrency: file.recording.worker.concurrency,
        pairWaitMs: file.recording.worker.pairWait,
      },
      prompts: file.recording.prompts,
      retentionMs: file.recording.retention,
      retentionIntervalMs: file.recording.retentionInterval,
    },
    byok: {
      mode: file.byok.mode,
      allowHttpHosts: file.byok.allowHttpHosts,
      allowedPorts: file.byok.allowedPorts,
      denyCidrs: file.byok.denyCidrs,
      verifyTimeoutMs: file.byok.verifyTimeout,
      encryptionKeys: encryptionKeys || undefined,
    },
    identity: { pollIntervalMs: file.identity.pollInterval },
    limits: {
      ...(file.limits.default === undefined ? {} : { default: file.limits.default }),
      byok: file.limits.byok,
      concurrencyLeaseMs: file.limits.concurrencyLease,
    },
    routing: { aliases: file.routing.aliases },
    ...(file.models === undefined ? {} : { models: file.models }),
    mcp: {
      servers: file.mcp.servers,
      maxIterations: file.mcp.maxIterations,
      toolTimeoutMs: file.mcp.toolTimeout,
      refreshIntervalMs: file.mcp.refreshInterval,
      connectTimeoutMs: file.mcp.connectTimeout,
      userKeys: file.mcp.userKeys,
      userEndpoints: file.mcp.userEndpoints,
    },
    storedObjects: { ownerTtlMs: file.storedObjects.ownerTtl },
    prices: {
      useDefaults: file.prices.useDefaults,
      entries: file.prices.entries.map((entry) => ({
        provider: entry.provider,
        model: entry.model,
        input: entry.input,
        output: entry.output,
        ...(entry.cacheRead === undefined ? {} : { cacheRead: entry.cacheRead }),
        ...(entry.cacheWrite === undefined ? {} : { cacheWrite: entry.cacheWrite }),
      })),
    },
    budgets: {
      ...(file.budgets.default === undefined
        ? {}
        : { default: { amountMicros: Math.round(file.budgets.default.amount * 1_000_000), period: file.budgets.default.period } }),
      estimate: file.budgets.estimate,
    },
    console: {
      enabled: file.console.enabled,
      assetsDir: file.console.assetsDir,
      ...(file.console.jaegerUrl === undefined ? {} : { jaegerUrl: file.console.jaegerUrl }),
      jaegerService: file.console.jaegerService,
    },
    logging: file.logging,
    dataDir: file.dataDir,
    redisUrl: file.redisUrl || undefined,
    databaseUrl: file.databaseUrl || undefined,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Entry points call this: on an invalid configuration it prints the problems (never a value) and exits 1. */
export function loadConfigOrExit(options: LoadConfigOptions = {}): TollgateConfig {
  try {
    return loadConfig(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tollgate: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
