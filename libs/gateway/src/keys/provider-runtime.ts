import { KeyPool, type Clock, type KeyPoolObserver, type KeyStateStore } from '@tollgate/keypool';
import type { ProviderConfig, TollgateConfig } from '@tollgate/platform';
import { defaultBaseUrl } from '@tollgate/providers';

/** A configured provider instance with everything a request needs, built once at start. */
export interface ProviderRuntime {
  config: ProviderConfig;
  baseUrl: string;
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
      this.byName.set(provider.name, { config: provider, baseUrl: provider.baseUrl ?? defaultBaseUrl(provider.type), pool });
    }
  }

  get(name: string): ProviderRuntime | undefined {
    return this.byName.get(name);
  }

  all(): ProviderRuntime[] {
    return [...this.byName.values()];
  }
}
