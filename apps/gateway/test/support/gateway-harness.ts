import { Writable } from 'node:stream';
import type { DirectoryChangeNotifier, IdentityStore } from '@tollgate/byok';
import type { AdminAuditLog, BudgetLedger, UsageStore } from '@tollgate/usage';
import { MemoryKeyStateStore, type KeyStateStore } from '@tollgate/keypool';
import type { RateLimiter } from '@tollgate/limits';
import type { Clock } from '@tollgate/time';
import { createGatewayApp, type EndpointGuard, type GatewayApp, type StoredObjectOwners } from '@tollgate/gateway';
import { createLogger, loadConfig, type TollgateConfig } from '@tollgate/platform';
import type { EventBatchSender, RecordingTransportProbe } from '@tollgate/recording';
import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { CapturedEventsSink } from './captured-events.sink';

export const ALICE_TOKEN = 'tg_alice_test_token';
export const BOB_TOKEN = 'tg_bob_test_token';
export const ADMIN_TOKEN = 'tg_admin_test_token_0123456789abcdef';
export const KEYS = ['k0-long-key', 'k1-long-key', 'k2-long-key'];

export interface HarnessOptions {
  keys?: string[];
  /** Extra fields for each provider entry (strategy, authFailure, cooldowns…). */
  provider?: Record<string, unknown>;
  /** Replaces the default providers `openai` and `anthropic` (then `keys` and `provider` do not apply). */
  providers?: Array<Record<string, unknown>>;
  server?: Record<string, unknown>;
  recording?: Record<string, unknown>;
  keyStateStore?: KeyStateStore;
  clock?: Clock;
  mock?: MockUpstream;
  /** Users, database tokens and stored keys (BYOK tests). */
  identityStore?: IdentityStore;
  /** Announces directory changes to the other replicas (RedisDirectoryNotifier in replica tests). */
  directoryNotifier?: DirectoryChangeNotifier;
  /** The `limits` section and the `models` policy of the config file. */
  limits?: Record<string, unknown>;
  models?: Record<string, unknown>;
  /** The `routing` section of the config file (model aliases). */
  routing?: Record<string, unknown>;
  /** Usage aggregates (usage API tests). */
  usageStore?: UsageStore;
  /** The admin audit log (audit tests). */
  adminAuditLog?: AdminAuditLog;
  /** Budget counters (shared Redis ledger for replica tests); unset: the gateway's in-process ledger. */
  budgetLedger?: BudgetLedger;
  /** The `budgets` section of the config file. */
  budgets?: Record<string, unknown>;
  /** Limit counters (shared Redis limiter for replica tests); unset: the gateway's in-process limiter. */
  rateLimiter?: RateLimiter;
  /** `byok` and `identity` sections of the config file. */
  byok?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  /** The `mcp` section of the config file (injected MCP tools). */
  mcp?: Record<string, unknown>;
  /** The environment the config sees, e.g. TOLLGATE_ENCRYPTION_KEYS. */
  env?: Record<string, string>;
  endpointGuard?: EndpointGuard;
  /** The recording transport; default: a CapturedEventsSink (events kept in memory). */
  eventSender?: EventBatchSender;
  /** What /readyz checks the recording transport with; default: nothing. */
  recordingProbe?: RecordingTransportProbe;
  /** Owners of stored responses and conversations (shared Redis for replica tests); unset: the in-process store. */
  storedObjectOwners?: StoredObjectOwners;
}

export interface Harness {
  gateway: GatewayApp;
  mock: MockUpstream;
  sink: CapturedEventsSink;
  config: TollgateConfig;
  url: string;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  logs: string[];
  close(): Promise<void>;
}

/** A gateway on a random loopback port, wired to a fresh mock upstream, with providers `openai` and `anthropic`. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const mock = options.mock ?? (await startMockUpstream());
  const keys = options.keys ?? KEYS;
  const config = loadConfig({
    env: options.env ?? {},
    document: {
      server: { port: 0, shutdown: { grace: 0, drainTimeout: '5s' }, ...options.server },
      providers: options.providers ?? [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys, ...options.provider },
        { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys, ...options.provider },
      ],
      auth: {
        tokens: [
          { token: ALICE_TOKEN, user: 'alice' },
          { token: BOB_TOKEN, user: 'bob' },
        ],
        adminTokens: [ADMIN_TOKEN],
      },
      recording: options.recording ?? {},
      byok: options.byok ?? {},
      identity: options.identity ?? {},
      budgets: options.budgets ?? {},
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.models ? { models: options.models } : {}),
      ...(options.routing ? { routing: options.routing } : {}),
      mcp: options.mcp ?? {},
      logging: { level: 'debug' },
    },
  });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  });
  const sink = new CapturedEventsSink();
  const gateway = await createGatewayApp({
    config,
    logger,
    eventSender: options.eventSender ?? sink,
    recordingProbe: options.recordingProbe,
    keyStateStore: options.keyStateStore ?? new MemoryKeyStateStore(),
    clock: options.clock,
    identityStore: options.identityStore,
    directoryNotifier: options.directoryNotifier,
    usageStore: options.usageStore,
    adminAuditLog: options.adminAuditLog,
    budgetLedger: options.budgetLedger,
    rateLimiter: options.rateLimiter,
    endpointGuard: options.endpointGuard,
    storedObjectOwners: options.storedObjectOwners,
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    gateway,
    mock,
    sink,
    config,
    url,
    openaiBaseUrl: `${url}/openai/v1`,
    anthropicBaseUrl: `${url}/anthropic`,
    logs,
    async close() {
      await gateway.close();
      if (!options.mock) await mock.close();
    },
  };
}

/** A provider error body, OpenAI (`error.code`, `error.param`) or Anthropic (`type: "error"`). */
export interface ErrorJson {
  type?: string;
  error: { type: string; message: string; code?: string; param?: unknown };
}

export async function errorJson(response: Response): Promise<ErrorJson> {
  return (await response.json()) as ErrorJson;
}
