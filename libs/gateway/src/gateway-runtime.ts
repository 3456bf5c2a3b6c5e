import { systemClock, type Clock, type KeyStateStore } from '@tollgate/keypool';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { InterceptionEventSink } from '@tollgate/recording';
import { GatewayTokenRegistry } from './auth/gateway-token.registry';
import { CircuitBreakers } from './circuit/circuit-breakers';
import { EndedEventPublisher } from './bridge/ended-event.publisher';
import { InterceptionHandler } from './bridge/interception.handler';
import { GatewayLifecycle } from './health/gateway-lifecycle';
import { ProviderRegistry } from './keys/provider-runtime';
import { GatewayMetrics } from './metrics/gateway.metrics';
import { PassthroughHandler } from './passthrough/passthrough.handler';
import { UpstreamClient } from './upstream/upstream.client';

export interface GatewayDependencies {
  config: TollgateConfig;
  logger: Logger;
  eventSink: InterceptionEventSink;
  keyStateStore: KeyStateStore;
  clock?: Clock;
}

/** Everything a gateway process holds, wired by hand once (these objects sit on the hot path, not behind DI). */
export class GatewayRuntime {
  readonly config: TollgateConfig;
  readonly logger: Logger;
  readonly keyStateStore: KeyStateStore;
  readonly eventSink: InterceptionEventSink;
  readonly lifecycle = new GatewayLifecycle();
  readonly metrics: GatewayMetrics;
  readonly providers: ProviderRegistry;
  readonly breakers: CircuitBreakers;
  readonly tokens: GatewayTokenRegistry;
  readonly upstream: UpstreamClient;
  readonly endedEvents: EndedEventPublisher;
  readonly interceptions: InterceptionHandler;
  readonly passthrough: PassthroughHandler;

  constructor(deps: GatewayDependencies) {
    this.config = deps.config;
    this.logger = deps.logger;
    this.keyStateStore = deps.keyStateStore;
    this.eventSink = deps.eventSink;
    const clock = deps.clock ?? systemClock;
    this.metrics = new GatewayMetrics(
      () => this.providers.all().map((provider) => provider.pool),
      () => this.breakers,
    );
    this.providers = new ProviderRegistry(deps.config, deps.keyStateStore, clock, this.metrics.keyPoolObserver);
    this.breakers = new CircuitBreakers(deps.config.circuitBreaker, clock, this.metrics.breakerObserver);
    this.tokens = new GatewayTokenRegistry(deps.config.auth.tokens);
    this.upstream = new UpstreamClient(deps.config.server.upstream);
    this.endedEvents = new EndedEventPublisher(deps.eventSink, deps.config.recording.endedTimeoutMs, this.metrics, deps.logger);
    this.interceptions = new InterceptionHandler(
      deps.config,
      this.upstream,
      deps.eventSink,
      this.endedEvents,
      this.breakers,
      this.metrics,
      deps.logger,
    );
    this.passthrough = new PassthroughHandler(this.upstream, this.metrics, deps.logger);
  }

  /** Stops taking work, lets in-flight requests finish, flushes pending events, closes connections. */
  async close(): Promise<void> {
    await this.endedEvents.drain();
    await this.eventSink.close();
    await this.keyStateStore.close();
    await this.upstream.close();
  }
}
