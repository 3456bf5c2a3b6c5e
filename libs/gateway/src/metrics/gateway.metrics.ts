import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { registerKeyPoolMetrics, type KeyPool, type KeyPoolObserver } from '@tollgate/keypool';

/** The gateway's Prometheus metrics, on a registry of its own (two gateways in one process don't collide). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly keyPoolObserver: KeyPoolObserver;
  private readonly failoverAttempts: (provider: string, handedOut: number) => void;
  private readonly requests: Counter<'provider' | 'route' | 'status'>;
  private readonly recordingFailures: Counter<'event'>;
  private readonly redisConnectivity: Counter<'state'>;

  constructor(pools: () => KeyPool[]) {
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
    this.recordingFailures = new Counter({
      name: 'tollgate_recording_publish_failures_total',
      help: 'Interception events the gateway could not hand to the recording queue',
      labelNames: ['event'],
      registers: [this.registry],
    });
    this.redisConnectivity = new Counter({
      name: 'tollgate_key_state_store_connectivity_changes_total',
      help: 'Times the shared key-state store (Redis) was lost or regained',
      labelNames: ['state'],
      registers: [this.registry],
    });
  }

  observeFailoverAttempts(provider: string, handedOut: number): void {
    this.failoverAttempts(provider, handedOut);
  }

  requestAnswered(provider: string, route: string, status: number): void {
    this.requests.inc({ provider, route, status: String(status) });
  }

  recordingPublishFailed(event: string): void {
    this.recordingFailures.inc({ event });
  }

  keyStateStoreConnectivity(connected: boolean): void {
    this.redisConnectivity.inc({ state: connected ? 'connected' : 'disconnected' });
  }
}
