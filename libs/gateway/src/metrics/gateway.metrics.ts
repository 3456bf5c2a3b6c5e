import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBatchProducerObserver } from '@tollgate/recording';
import type { BreakerKey, CircuitBreakerObserver, CircuitBreakers } from '../circuit/circuit-breakers';
import type { McpCatalogueObserver } from '../mcp/mcp-tool.catalogue';
import { registerKeyPoolMetrics, type KeyPool, type KeyPoolObserver, type KeyStateStore } from '@tollgate/keypool';

/** The gateway's Prometheus metrics, on a registry of its own (two gateways in one process don't collide). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly keyPoolObserver: KeyPoolObserver;
  private readonly failoverAttempts: (provider: string, handedOut: number) => void;
  private readonly requests: Counter<'provider' | 'route' | 'status'>;
  private readonly requestsByLabels = new Map<string, Counter.Internal>();
  readonly recordingObserver: EventBatchProducerObserver;
  private readonly configReloads: Counter<'outcome'>;
  private readonly breakerTrips: Counter<'provider' | 'route' | 'model'>;
  private readonly breakerRejections: Counter<'provider' | 'route' | 'model'>;
  private readonly budgetRejections: Counter<'provider'>;
  private readonly centralizedSpend: Counter<'provider'>;
  private readonly injectedToolInvocations: Counter<'provider' | 'model' | 'server' | 'tool'>;
  private readonly mcpServerUp: Gauge<'server'>;
  private readonly mcpRefreshFailures: Counter<'server'>;
  readonly mcpObserver: McpCatalogueObserver = {
    serverRefreshed: (server, up) => {
      this.mcpServerUp.set({ server }, up ? 1 : 0);
      if (!up) this.mcpRefreshFailures.inc({ server });
    },
  };
  readonly breakerObserver: CircuitBreakerObserver = {
    tripped: (key: BreakerKey) => this.breakerTrips.inc({ ...key }),
    rejected: (key: BreakerKey) => this.breakerRejections.inc({ ...key }),
  };

  constructor(pools: () => KeyPool[], breakers: () => CircuitBreakers, keyStateStore: () => KeyStateStore) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tollgate_process_' });
    const keyPool = registerKeyPoolMetrics(this.registry, pools);
    this.keyPoolObserver = keyPool.observer;
    this.failoverAttempts = keyPool.observeFailoverAttempts;
    this.requests = new Counter({
      name: 'tollgate_requests_total',
      help: 'Provider requests answered by the gateway',
      labelNames: ['provider', 'route', 'status'],
      registers: [this.registry],
    });
    this.recordingObserver = recordingMetrics(this.registry);
    this.breakerTrips = new Counter({
      name: 'tollgate_circuit_breaker_trips_total',
      help: 'Times a circuit breaker opened',
      labelNames: ['provider', 'route', 'model'],
      registers: [this.registry],
    });
    this.breakerRejections = new Counter({
      name: 'tollgate_circuit_breaker_rejections_total',
      help: 'Requests refused by an open circuit breaker, without an upstream call',
      labelNames: ['provider', 'route', 'model'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'tollgate_circuit_breaker_state',
      help: 'Circuit breakers that are not closed (1 per breaker and state); closed breakers are not listed',
      labelNames: ['provider', 'route', 'model', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { provider, route, model, state } of breakers().states()) {
          if (state !== 'closed') this.set({ provider, route, model, state }, 1);
        }
      },
    });
    // No user label: one series per user would grow without bound (the usage API answers per user).
    this.budgetRejections = new Counter({
      name: 'tollgate_budget_rejections_total',
      help: 'Centralized requests refused with 429 budget_exceeded, without an upstream call',
      labelNames: ['provider'],
      registers: [this.registry],
    });
    this.centralizedSpend = new Counter({
      name: 'tollgate_centralized_spend_micros_total',
      help: 'Cost of centralized (pool) requests settled against budgets, in micro-dollars',
      labelNames: ['provider'],
      registers: [this.registry],
    });
    this.injectedToolInvocations = new Counter({
      name: 'tollgate_injected_tool_invocations_total',
      help: 'Injected MCP tool calls the gateway ran in the server-side tool loop',
      labelNames: ['provider', 'model', 'server', 'tool'],
      registers: [this.registry],
    });
    this.mcpServerUp = new Gauge({
      name: 'tollgate_mcp_server_up',
      help: '1 when the last tool-list refresh of an MCP server succeeded, else 0',
      labelNames: ['server'],
      registers: [this.registry],
    });
    this.mcpRefreshFailures = new Counter({
      name: 'tollgate_mcp_refresh_failures_total',
      help: 'Tool-list refreshes of an MCP server that failed (server down or answering errors)',
      labelNames: ['server'],
      registers: [this.registry],
    });
    this.configReloads = new Counter({
      name: 'tollgate_config_reloads_total',
      help: 'Configuration reloads, applied or rejected',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'tollgate_key_state_store_connected',
      help: '1 while the shared key-state store (Redis) is reachable, 0 while serving from the local view; absent in memory mode',
      registers: [this.registry],
      collect() {
        const health = keyStateStore().health();
        if (health.shared) this.set(health.connected ? 1 : 0);
      },
    });
  }

  observeFailoverAttempts(provider: string, handedOut: number): void {
    this.failoverAttempts(provider, handedOut);
  }

  requestAnswered(provider: string, route: string, status: number): void {
    // prom-client hashes the label set on every call: keep each label set's child (a bounded set: providers × routes × statuses).
    const key = `${provider} ${route} ${status}`;
    let child = this.requestsByLabels.get(key);
    if (!child) {
      child = this.requests.labels({ provider, route, status: String(status) });
      this.requestsByLabels.set(key, child);
    }
    child.inc();
  }

  budgetRejected(provider: string): void {
    this.budgetRejections.inc({ provider });
  }

  centralizedSpent(provider: string, micros: number): void {
    if (micros > 0) this.centralizedSpend.inc({ provider }, micros);
  }

  /** Publishes how many recording events the gateway holds (waiting for a batch, being sent, or still to come). */
  watchPendingRecordingEvents(count: () => number): void {
    new Gauge({
      name: 'tollgate_recording_pending_events',
      help: 'Interception events held by the gateway until the recording queue accepts them (bounded by recording.maxPendingEvents)',
      registers: [this.registry],
      collect() {
        this.set(count());
      },
    });
  }

  injectedToolInvoked(provider: string, model: string, server: string, tool: string): void {
    this.injectedToolInvocations.inc({ provider, model, server, tool });
  }

  configReloaded(outcome: 'applied' | 'rejected'): void {
    this.configReloads.inc({ outcome });
  }
}

/** The recording producer's counters. Per event name, counted per batch (two label children, bound once). */
function recordingMetrics(registry: Registry): EventBatchProducerObserver {
  const enqueued = new Counter({
    name: 'tollgate_recording_events_enqueued_total',
    help: 'Interception events accepted by the recording queue (or written, in embedded mode)',
    labelNames: ['event'],
    registers: [registry],
  });
  const startedEnqueued = enqueued.labels({ event: 'interception.started' });
  const endedEnqueued = enqueued.labels({ event: 'interception.ended' });
  const batches = new Counter({
    name: 'tollgate_recording_batches_enqueued_total',
    help: 'Batches of interception events accepted by the recording queue',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'tollgate_recording_enqueue_failures_total',
    help: 'Batches the recording queue did not accept (their events are sent again)',
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'tollgate_recording_events_dropped_total',
    help: 'Interception events dropped because the recording backlog was full (failurePolicy: open)',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'tollgate_recording_refused_total',
    help: 'Requests answered 503 because the recording backlog was full (failurePolicy: closed)',
    registers: [registry],
  });
  return {
    batchAccepted(events) {
      let started = 0;
      for (const event of events) if (event.name === 'interception.started') started++;
      startedEnqueued.inc(started);
      endedEnqueued.inc(events.length - started);
      batches.inc();
    },
    batchFailed: () => failures.inc(),
    eventDropped: () => dropped.inc(),
    interceptionRefused: () => refused.inc(),
  };
}
