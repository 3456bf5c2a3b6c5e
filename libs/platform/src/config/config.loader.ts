import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configFileSchema, type ConfigFile } from './config.schema';
import { interpolateEnv, InterpolationError } from './interpolate';
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
}

/** Reads, interpolates and validates the configuration once. Throws ConfigError naming each bad field. */
export function loadConfig(options: LoadConfigOptions = {}): TollgateConfig {
  const env = options.env ?? process.env;
  const configPath = resolve(options.path ?? env.TOLLGATE_CONFIG ?? 'tollgate.yaml');
  const document = options.document ?? readDocument(configPath, options.path !== undefined || env.TOLLGATE_CONFIG !== undefined);

  let interpolated: unknown;
  try {
    interpolated = interpolateEnv(document ?? {}, env);
  } catch (error) {
    if (error instanceof InterpolationError) throw new ConfigError([error.message]);
    throw error;
  }
  const withOverrides = applyEnvOverrides(interpolated, env);
  const parsed = configFileSchema.safeParse(withOverrides);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  return toTollgateConfig(parsed.data, configPath);
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
  return root;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment)),
    '',
  );
  // Zod's own messages never include the offending value, so a secret that failed validation is not echoed.
  const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  return `${path || '(root)'}: ${message}`;
}

function toTollgateConfig(file: ConfigFile, configPath: string): TollgateConfig {
  return {
    configPath,
    server: {
      host: file.server.host,
      port: file.server.port,
      maxBodyBytes: file.server.maxBodyBytes,
      upstream: {
        connectTimeoutMs: file.server.upstream.connectTimeout,
        firstByteTimeoutMs: file.server.upstream.firstByteTimeout,
        idleTimeoutMs: file.server.upstream.idleTimeout,
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
      queueName: file.recording.queueName,
      queuePrefix: file.recording.queuePrefix,
      attempts: file.recording.attempts,
      backoffMs: file.recording.backoff,
      endedTimeoutMs: file.recording.endedTimeout,
      runMigrationsAtStart: file.recording.runMigrationsAtStart,
      worker: { batchSize: file.recording.worker.batchSize, batchMaxWaitMs: file.recording.worker.batchMaxWait },
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
