import type { DirectoryChangeNotifier, IdentityDirectory, IdentityStore, Resolver } from '@tollgate/byok';
import type { KeyStateStore } from '@tollgate/keypool';
import {
  AdminAuditTrail,
  createIdentity,
  createUserEndpoints,
  type IdentityService,
  type TeamService,
  type UserEndpointsWiring,
} from '@tollgate/operator-api';
import { MemoryRateLimiter, type RateLimiter } from '@tollgate/limits';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import { systemClock, type Clock } from '@tollgate/time';
import { EventBatchProducer, type EventBatchSender, type RecordingTransportProbe } from '@tollgate/recording';
import {
  AgenticLoop,
  BudgetGuard,
  CallerAccessPolicy,
  CallerResolver,
  CircuitBreakers,
  GatewayMetrics,
  InterceptionHandler,
  LimitGuard,
  LiveConfiguration,
  McpToolCatalogue,
  MemoryStoredObjectOwners,
  PassthroughHandler,
  UpstreamClient,
  UserBudgetGates,
  type EndpointGuard,
  type ProviderRegistry,
  type ProviderRequestServices,
  type StoredObjectOwners,
} from '@tollgate/request-path';
import {
  MemoryBudgetLedger,
  createPriceTable,
  spendBaselineFrom,
  type AdminAuditLog,
  type BudgetLedger,
  type InterceptionStore,
  type UsageStore,
} from '@tollgate/usage';
import { restartOnlyChanges } from './config/restart-only.settings';
import { GatewayLifecycle } from './health/gateway-lifecycle';
import { Readiness } from './health/readiness';

/** How long a starting gateway waits for the shared key state; Redis down at start delays it by this much. */
const KEY_STATE_SYNC_TIMEOUT_MS = 3_000;
/** How long a starting gateway waits for the shared limit counters. */
const LIMITER_CONNECT_TIMEOUT_MS = 3_000;

export interface GatewayDependencies {
  config: TollgateConfig;
  logger: Logger;
  /** Where batches of interception events go: the recording queue, or the in-process writer. Closed with the gateway. */
  eventSender: EventBatchSender;
  /** Reachability of the recording transport (queue Redis, database), reported by /readyz; closed with the gateway. */
  recordingProbe?: RecordingTransportProbe;
  keyStateStore: KeyStateStore;
  clock?: Clock;
  /** Users, teams, database-issued tokens and stored keys; unset: only the config file's tokens, no stored keys. */
  identityStore?: IdentityStore;
  /**
   * Tells the other replicas at once that this one changed the identity directory (RedisDirectoryNotifier), so a
   * revocation takes effect everywhere within a second; unset: they see it at their next poll.
   */
  directoryNotifier?: DirectoryChangeNotifier;
  /** Aggregates of recorded usage and cost (the usage API); unset: the usage routes answer 503. */
  usageStore?: UsageStore;
  /** The recorded interceptions for operators (list, detail, activity, pool keys' last use); unset: those answer 503. */
  interceptionStore?: InterceptionStore;
  /**
   * Budget counters shared by the replicas (RedisBudgetLedger); unset: an in-process ledger (one gateway). Either
   * way a missing counter starts from the usage store's recorded centralized spend.
   */
  budgetLedger?: BudgetLedger;
  /** Rate and concurrency counters shared by the replicas (RedisRateLimiter); unset: in this process (one gateway). */
  rateLimiter?: RateLimiter;
  /** The audit log of admin actions (docs/admin-audit.md); unset: admin actions are only logged. */
  adminAuditLog?: AdminAuditLog;
  /** How user endpoints' host names are resolved before the SSRF check (tests inject one). */
  endpointResolver?: Resolver;
  /** Replaces the whole SSRF guard (tests that must reach a loopback mock as a user endpoint). */
  endpointGuard?: EndpointGuard;
  /**
   * Who created each stored response and conversation, shared by the replicas (RedisStoredObjectOwners); unset: kept
   * in this process (one gateway). Closed with the gateway.
   */
  storedObjectOwners?: StoredObjectOwners;
}

/**
 * The gateway process's composition root: builds the request path's and the operator API's services once from
 * the dependencies (these objects sit on the hot path, not behind DI), and runs their lifecycle: start, configuration
 * reload, close. Nest hands the operator API the narrow services it uses (GatewayModule), never this object.
 */
export class GatewayRuntime {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly lifecycle = new GatewayLifecycle();
  readonly readiness: Readiness;
  readonly metrics: GatewayMetrics;
  /** The running configuration with its providers and gateway tokens; a reload swaps them. */
  readonly live: LiveConfiguration;
  readonly callers: CallerResolver;
  /** The limits and model policies each caller is held to (docs/limits.md). */
  readonly access: CallerAccessPolicy;
  /** Batches interception events and hands them to the event sender (docs/recording.md). */
  private readonly recording: EventBatchProducer;
  /** The injected MCP tools (docs/mcp.md); empty when no MCP server is configured. */
  readonly mcpTools: McpToolCatalogue;
  /** What the provider request path uses (createGatewayServer). */
  readonly requestPath: ProviderRequestServices;
  /** Present when the gateway has a database for users, tokens and stored keys. */
  readonly identity?: IdentityService;
  /** Present with the identity service: teams and their members. */
  readonly teams?: TeamService;
  /** Present when the gateway can read the recorded interceptions. */
  readonly usageStore?: UsageStore;
  /** Present when the gateway can read the recorded interceptions (operators only, never on the request path). */
  readonly interceptionStore?: InterceptionStore;
  /** What admins did: one entry per admin mutation (docs/admin-audit.md). */
  readonly adminAudit: AdminAuditTrail;
  /** Rate and concurrency limits (docs/limits.md). */
  readonly limits: LimitGuard;
  private readonly rateLimiter: RateLimiter;
  private readonly keyStateStore: KeyStateStore;
  private readonly recordingProbe?: RecordingTransportProbe;
  private readonly breakers: CircuitBreakers;
  private readonly upstream: UpstreamClient;
  private readonly budgets: BudgetGuard;
  private readonly storedObjectOwners: StoredObjectOwners;
  private readonly identityDirectory?: IdentityDirectory;
  private readonly userEndpoints: UserEndpointsWiring;

  constructor(deps: GatewayDependencies) {
    this.logger = deps.logger;
    this.keyStateStore = deps.keyStateStore;
    this.recordingProbe = deps.recordingProbe;
    this.usageStore = deps.usageStore;
    this.interceptionStore = deps.interceptionStore;
    const clock = deps.clock ?? systemClock;
    this.clock = clock;
    this.adminAudit = new AdminAuditTrail(deps.adminAuditLog, deps.logger, clock);
    this.metrics = new GatewayMetrics(
      () => this.providers.all().map((provider) => provider.pool),
      () => this.breakers,
      () => this.keyStateStore,
    );
    this.live = new LiveConfiguration(deps.config, deps.keyStateStore, clock, this.metrics.keyPoolObserver);
    this.breakers = new CircuitBreakers(deps.config.circuitBreaker, clock, this.metrics.breakerObserver);
    this.upstream = new UpstreamClient(deps.config.server.upstream);
    const recordingConfig = deps.config.recording;
    this.recording = new EventBatchProducer({
      sender: deps.eventSender,
      maxEvents: recordingConfig.batch.maxEvents,
      maxDelayMs: recordingConfig.batch.maxDelayMs,
      maxPendingEvents: recordingConfig.maxPendingEvents,
      failurePolicy: recordingConfig.failurePolicy,
      sendTimeoutMs: recordingConfig.enqueueTimeoutMs,
      logger: deps.logger,
      observer: this.metrics.recordingObserver,
    });
    this.metrics.watchPendingRecordingEvents(() => this.recording.pendingEvents);
    const refusesWhenFull = recordingConfig.failurePolicy === 'closed';
    this.readiness = new Readiness(this.lifecycle, deps.keyStateStore, deps.recordingProbe, {
      refusesWhileUnreachable: refusesWhenFull && recordingConfig.startedAck === 'queued',
      refusingNow: () => refusesWhenFull && this.recording.isFull,
      pendingEvents: () => this.recording.pendingEvents,
    });
    this.storedObjectOwners = deps.storedObjectOwners ?? new MemoryStoredObjectOwners(deps.config.storedObjects.ownerTtlMs, clock);
    this.mcpTools = new McpToolCatalogue(deps.config.mcp, this.metrics.mcpObserver, deps.logger);
    const interceptions = new InterceptionHandler(
      deps.config,
      this.upstream,
      this.recording,
      this.breakers,
      this.metrics,
      deps.logger,
      this.storedObjectOwners,
      this.mcpTools.enabled
        ? new AgenticLoop({ config: deps.config, catalogue: this.mcpTools, client: this.upstream, metrics: this.metrics, logger: deps.logger })
        : undefined,
    );
    const budgetLedger =
      deps.budgetLedger ?? new MemoryBudgetLedger({ baseline: spendBaselineFrom(deps.usageStore), clock });
    this.budgets = new BudgetGuard(budgetLedger, createPriceTable(deps.config.prices), deps.config.budgets, clock, this.metrics, deps.logger);
    this.rateLimiter = deps.rateLimiter ?? new MemoryRateLimiter(clock);
    this.limits = new LimitGuard(this.rateLimiter, () => this.config.limits, deps.config.budgets.estimate, clock, this.metrics, deps.logger);
    const passthrough = new PassthroughHandler(this.upstream, this.metrics, deps.logger, this.storedObjectOwners);
    const endpoints = createUserEndpoints(deps.config, deps.endpointResolver);
    this.userEndpoints = deps.endpointGuard ? { guard: deps.endpointGuard, close: endpoints.close } : endpoints;
    if (deps.identityStore) {
      const identity = createIdentity({
        config: () => this.config,
        store: deps.identityStore,
        providers: () => this.providers,
        upstream: this.upstream,
        endpoints: this.userEndpoints,
        logger: deps.logger,
        notifier: deps.directoryNotifier,
        clock,
      });
      this.identity = identity.service;
      this.teams = identity.teams;
      this.identityDirectory = identity.directory;
    }
    this.callers = new CallerResolver(this.live, clock, this.identityDirectory);
    this.access = new CallerAccessPolicy(this.live, this.identityDirectory);
    this.requestPath = {
      live: this.live,
      callers: this.callers,
      access: this.access,
      storedCredentials: this.identity,
      endpointGuard: this.userEndpoints.guard,
      budgets: new UserBudgetGates(this.budgets, this.identityDirectory),
      limits: this.limits,
      storedObjectOwners: this.storedObjectOwners,
      interceptions,
      passthrough,
      metrics: this.metrics,
      logger: deps.logger,
    };
  }

  /** Loads what must be in memory before the first request: the identity directory's snapshot, the MCP tool lists. */
  async start(): Promise<void> {
    await this.identityDirectory?.start();
    await this.mcpTools.start();
    await this.loadSharedKeyState();
    await this.connectRateLimiter();
  }

  /** Before serving: the shared limit counters, so the first requests are counted (not admitted unlimited). */
  private async connectRateLimiter(): Promise<void> {
    if (!this.rateLimiter.whenReady || (await this.rateLimiter.whenReady(LIMITER_CONNECT_TIMEOUT_MS))) return;
    this.logger.warn({ waitedMs: LIMITER_CONNECT_TIMEOUT_MS }, 'limit counters not reachable at start: requests are admitted unlimited until Redis is back');
  }

  /** Before serving: the key states other replicas recorded in the shared store (cooling, disabled keys). */
  private async loadSharedKeyState(): Promise<void> {
    if (!this.keyStateStore.whenSynced) return;
    if (await this.keyStateStore.whenSynced(KEY_STATE_SYNC_TIMEOUT_MS)) return;
    this.logger.warn(
      { waitedMs: KEY_STATE_SYNC_TIMEOUT_MS },
      'key state store not reachable at start: serving on the local view until Redis is back (keys cooling or disabled elsewhere may be tried)',
    );
  }

  get config(): TollgateConfig {
    return this.live.config;
  }

  get providers(): ProviderRegistry {
    return this.live.providers;
  }

  /**
   * Applies a new configuration's providers, keys, gateway tokens, admin tokens, default BYOK mode, default limits,
   * deployment model policy and model aliases (routing.aliases). Key states carry over (they are keyed by key fingerprint); requests in flight finish with what they started with. Returns
   * the settings that changed but only take effect after a restart.
   */
  applyConfig(next: TollgateConfig): string[] {
    const current = this.config;
    const restartOnly = restartOnlyChanges(current, next);
    this.live.replace({
      ...current,
      providers: next.providers,
      auth: next.auth,
      byok: { ...current.byok, mode: next.byok.mode },
      // The lease length is the limiter's, fixed at start.
      limits: { ...next.limits, concurrencyLeaseMs: current.limits.concurrencyLeaseMs },
      models: next.models,
      // Aliases are rebuilt with the providers they point at.
      routing: next.routing,
    });
    return restartOnly;
  }

  /**
   * After the HTTP side has stopped: gives the recording events still held up to `eventsDrainMs` to be delivered
   * (what is still undelivered then is logged by interception id), then closes connections.
   */
  async close(eventsDrainMs: number = this.config.server.shutdown.drainTimeoutMs): Promise<void> {
    await this.recording.close(eventsDrainMs);
    await this.recordingProbe?.close?.();
    await this.identityDirectory?.stop();
    await this.userEndpoints.close();
    await this.keyStateStore.close();
    await this.budgets.close();
    await this.limits.close();
    await this.storedObjectOwners.close();
    await this.mcpTools.close();
    await this.upstream.close();
  }
}
