import { KeyPool, type Clock, type KeyPoolObserver, type KeySource, type KeyStateStore } from '@tollgate/keypool';
import type { ProviderConfig, TollgateConfig } from '@tollgate/platform';
import { defaultBaseUrl, parseUpstreamBase, type UpstreamBase } from '@tollgate/providers';

/** A configured provider instance with everything a request needs, built once at start. */
export interface ProviderRuntime {
  config: ProviderConfig;
  baseUrl: string;
  /** `baseUrl` taken apart once, for building each request's upstream target. */
  upstreamBase: UpstreamBase;
  /** Where its routes start: `/{name}/v1` for the OpenAI type, `/{name}` for Anthropic. */
  routePrefix: string;
  /** Where centralized requests get their keys; the request path sees the pool only through this port. */
  keys: KeySource;
  /** The same pool's operator view: the admin API and the key-state gauges. */
  pool: KeyPool;
}

export class ProviderRegistry {
  private readonly byName = new Map<string, ProviderRuntime>();

  constructor(config: TollgateConfig, store: KeyStateStore, clock: Clock, observer: KeyPoolObserver) {
    for (const provider of config.providers) {
      const pool = new KeyPool({
        provider: provider.name,
        keys: provider.keys,
        options: {
          strategy: provider.strategy,
          authFailure: provider.authFailure,
          authCooldownMs: provider.authCooldownMs,
          defaultCooldownMs: provider.defaultCooldownMs,
          maxCooldownMs: provider.maxCooldownMs,
        },
        store,
        clock,
        fingerprintSecret: config.keyPool.fingerprintSecret,
        observer,
      });
      const baseUrl = provider.baseUrl ?? defaultBaseUrl(provider.type);
      const routePrefix = provider.type === 'openai' ? `/${provider.name}/v1` : `/${provider.name}`;
      this.byName.set(provider.name, { config: provider, baseUrl, upstreamBase: parseUpstreamBase(baseUrl), routePrefix, keys: pool, pool });
    }
  }

  get(name: string): ProviderRuntime | undefined {
    return this.byName.get(name);
  }

  all(): ProviderRuntime[] {
    return [...this.byName.values()];
  }
}
