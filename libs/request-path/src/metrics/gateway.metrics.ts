import { BoundCounter, BoundHistogram, type CounterChild, type HistogramChild } from '@tollgate/platform';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBatchProducerObserver, TokenUsage } from '@tollgate/recording';
import type { RequestTiming } from '../http/request-timing';
import { ModelLabels } from './bounded-label';
import type { BreakerKey, CircuitBreakerObserver, CircuitBreakers } from '../circuit/circuit-breakers';
import type { McpCatalogueObserver } from '../mcp/mcp-tool.catalogue';
import { registerKeyPoolMetrics, type KeyPool, type KeyPoolObserver, type KeyStateStore } from '@tollgate/keypool';

/** The gateway's Prometheus metrics, on a registry of its own (two gateways in one process don't collide). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly keyPoolObserver: KeyPoolObserver;
  private readonly failoverAttempts: (provider: string, handedOut: number) => void;
  private readonly requests: BoundCounter<'provider' | 'route' | 'status'>;
  private readonly latency: LatencyMetrics;
  readonly recordingObserver: EventBatchProducerObserver;
  private readonly configReloads: Counter<'outcome'>;
  private readonly breakerTrips: Counter<'provider' | 'route' | 'model'>;
  private readonly breakerRejections: Counter<'provider' | 'route' | 'model'>;
  private readonly budgetRejections: Counter<'provider'>;
  private readonly modelRefusals: Counter<'level'>;
  private readonly aliasFallbacks: Counter<'alias' | 'from' | 'to' | 'reason'>;
  private readonly centralizedSpend: Counter<'provider'>;
  private readonly limitRefusals: Counter<'kind' | 'scope'>;
  private readonly limitCheckFailures: Counter;
  private readonly injectedToolInvocations: Counter<'provider' | 'model' | 'server' | 'tool'>;
  private readonly mcpServerUp: Gauge<'server'>;
  private readonly mcpRefreshFailures: Counter<'server'>;
  readonly mcpObserver: McpCatalogueObserver = {
    serverRefreshed: (server, up) => {
      this.mcpServerUp.set({ server }, up ? 1 : 0);
      if (!up) this.mcpRefreshFailures.inc({ server });
    },
  };
  /** One bound on model label values shared by every metric that carries a model (clients choose model names). */
  private readonly modelLabels = new ModelLabels();
  readonly breakerObserver: CircuitBreakerObserver = {
    tripped: (key: BreakerKey) => this.breakerTrips.inc(this.breakerLabels(key)),
    rejected: (key: BreakerKey) => this.breakerRejections.inc(this.breakerLabels(key)),
  };

  constructor(pools: () => KeyPool[], breakers: () => CircuitBreakers, keyStateStore: () => KeyStateStore) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tollgate_process_' });
    const keyPool = registerKeyPoolMetrics(this.registry, pools);
    this.keyPoolObserver = keyPool.observer;
    this.failoverAttempts = keyPool.observeFailoverAttempts;
    this.requests = new BoundCounter(this.registry, {
      name: 'tollgate_requests_total',
      help: 'Provider requests answered by the gateway',
      labelNames: ['provider', 'route', 'status'],
    });
    this.recordingObserver = recordingMetrics(this.registry);
    this.latency = new LatencyMetrics(this.registry, this.modelLabels);
    const modelLabels = this.modelLabels;
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
        // Several breakers can share the `other` model label: they add up.
        for (const { provider, route, model, state } of breakers().states()) {
          if (state !== 'closed') this.inc({ provider, route, model: modelLabels.valueFor(provider, model), state });
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
    this.modelRefusals = new Counter({
      name: 'tollgate_model_refusals_total',
      help: 'Requests refused with 403 model_not_allowed by a model policy, before any upstream call, by the refusing level',
      labelNames: ['level'],
      registers: [this.registry],
    });
    // Aliases and providers come from the configuration, reasons from a fixed set: the labels are bounded.
    this.aliasFallbacks = new Counter({
      name: 'tollgate_alias_fallbacks_total',
      help: 'Times a model alias moved on from one target provider to the next, by alias, providers and reason',
      labelNames: ['alias', 'from', 'to', 'reason'],
      registers: [this.registry],
    });
    this.centralizedSpend = new Counter({
      name: 'tollgate_centralized_spend_micros_total',
      help: 'Cost of centralized (pool) requests settled against budgets, in micro-dollars',
      labelNames: ['provider'],
      registers: [this.registry],
    });
    // By limit kind and scope (user, team, token), never by user or team id.
    this.limitRefusals = new Counter({
      name: 'tollgate_limit_refusals_total',
      help: 'Requests refused with 429 by a rate or concurrency limit, without an upstream call',
      labelNames: ['kind', 'scope'],
      registers: [this.registry],
    });
    this.limitCheckFailures = new Counter({
      name: 'tollgate_limit_check_failures_total',
      help: 'Limit checks or settlements that could not reach the counters (Redis); the requests were admitted unlimited',
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
    this.requests.labels(provider, route, statusLabel(status)).inc();
  }

  /** A bridged request answered: its duration, time to first byte and token usage, by provider, route and model. */
  interceptionCompleted(provider: string, route: string, model: string, timing: RequestTiming, usages: readonly TokenUsage[]): void {
    this.latency.requestCompleted(provider, route, model, timing, usages);
  }

  /** A passthrough request answered (no model: its label is `-`). */
  passthroughCompleted(provider: string, timing: RequestTiming): void {
    this.latency.requestCompleted(provider, 'passthrough', '-', timing, NO_USAGES);
  }

  /** One upstream attempt: seconds until its response headers (or its failure), by provider, route and status. */
  upstreamAttempted(provider: string, route: string, status: string, seconds: number): void {
    this.latency.upstreamAttempted(provider, route, status, seconds);
  }

  budgetRejected(provider: string): void {
    this.budgetRejections.inc({ provider });
  }

  limitRefused(kind: string, scope: string): void {
    this.limitRefusals.inc({ kind, scope });
  }

  limitCheckFailed(): void {
    this.limitCheckFailures.inc();
  }

  /** A model policy refused a request; `level` is deployment, team, user or token (never which one). */
  aliasFellBack(alias: string, from: string, to: string, reason: string): void {
    this.aliasFallbacks.inc({ alias, from, to, reason });
  }

  modelRefused(level: string): void {
    this.modelRefusals.inc({ level });
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
    this.injectedToolInvocations.inc({ provider, model: this.modelLabels.valueFor(provider, model), server, tool });
  }

  configReloaded(outcome: 'applied' | 'rejected'): void {
    this.configReloads.inc({ outcome });
  }

  private breakerLabels(key: BreakerKey): Record<'provider' | 'route' | 'model', string> {
    return { provider: key.provider, route: key.route, model: this.modelLabels.valueFor(key.provider, key.model) };
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

const NO_USAGES: readonly TokenUsage[] = [];

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

interface RequestChildren {
  duration: HistogramChild;
  firstByte: HistogramChild;
  inputTokens: CounterChild;
  outputTokens: CounterChild;
  cacheReadTokens: CounterChild;
  cacheWriteTokens: CounterChild;
}

/**
 * What a dashboard needs to show what the benchmark shows: request duration and time to first byte, upstream latency
 * per attempt, tokens. Bound metrics (no allocation per observation), and the model label is bounded per provider:
 * client-chosen names past the first 100 count as `other`.
 */
class LatencyMetrics {
  private readonly duration: BoundHistogram<'provider' | 'route' | 'model'>;
  private readonly firstByte: BoundHistogram<'provider' | 'route' | 'model'>;
  private readonly upstream: BoundHistogram<'provider' | 'route' | 'status'>;
  private readonly tokens: BoundCounter<'provider' | 'model' | 'kind'>;
  private readonly requestChildren = new Map<string, Map<string, Map<string, RequestChildren>>>();

  constructor(
    registry: Registry,
    private readonly models: ModelLabels,
  ) {
    this.duration = new BoundHistogram(
      registry,
      {
        name: 'tollgate_request_duration_seconds',
        help: 'Provider requests from arrival to the end of the answer (a stream: its last byte)',
        labelNames: ['provider', 'route', 'model'],
      },
      LATENCY_BUCKETS,
    );
    this.firstByte = new BoundHistogram(
      registry,
      {
        name: 'tollgate_time_to_first_byte_seconds',
        help: 'Provider requests from arrival to the first byte of the answer (a stream: its head)',
        labelNames: ['provider', 'route', 'model'],
      },
      LATENCY_BUCKETS,
    );
    this.upstream = new BoundHistogram(
      registry,
      {
        name: 'tollgate_upstream_attempt_duration_seconds',
        help: 'Upstream attempts from sending to the response head (status) or the failure (timeout, connection)',
        labelNames: ['provider', 'route', 'status'],
      },
      LATENCY_BUCKETS,
    );
    this.tokens = new BoundCounter(registry, {
      name: 'tollgate_tokens_total',
      help: 'Tokens reported by upstream answers, by provider instance, requested model and kind (input is uncached)',
      labelNames: ['provider', 'model', 'kind'],
    });
  }

  requestCompleted(provider: string, route: string, model: string, timing: RequestTiming, usages: readonly TokenUsage[]): void {
    const children = this.childrenOf(provider, route, this.models.valueFor(provider, model));
    const now = performance.now();
    children.duration.observe(timing.durationSeconds(now));
    children.firstByte.observe(timing.firstByteSeconds(now));
    for (const usage of usages) {
      children.inputTokens.inc(usage.inputTokens);
      children.outputTokens.inc(usage.outputTokens);
      children.cacheReadTokens.inc(usage.cacheReadInputTokens);
      children.cacheWriteTokens.inc(usage.cacheWriteInputTokens);
    }
  }

  /** Every child a request observes, found with three map lookups (no label string built per request). */
  private childrenOf(provider: string, route: string, model: string): RequestChildren {
    let byRoute = this.requestChildren.get(provider);
    if (!byRoute) this.requestChildren.set(provider, (byRoute = new Map()));
    let byModel = byRoute.get(route);
    if (!byModel) byRoute.set(route, (byModel = new Map()));
    let children = byModel.get(model);
    if (!children) {
      children = {
        duration: this.duration.labels(provider, route, model),
        firstByte: this.firstByte.labels(provider, route, model),
        inputTokens: this.tokens.labels(provider, model, 'input'),
        outputTokens: this.tokens.labels(provider, model, 'output'),
        cacheReadTokens: this.tokens.labels(provider, model, 'cache_read'),
        cacheWriteTokens: this.tokens.labels(provider, model, 'cache_write'),
      };
      byModel.set(model, children);
    }
    return children;
  }

  upstreamAttempted(provider: string, route: string, status: string, seconds: number): void {
    this.upstream.labels(provider, route, status).observe(seconds);
  }
}

/** HTTP status codes as label values, made once. */
const STATUS_LABELS = new Map<number, string>();
function statusLabel(status: number): string {
  let label = STATUS_LABELS.get(status);
  if (label === undefined) {
    label = String(status);
    STATUS_LABELS.set(status, label);
  }
  return label;
}
