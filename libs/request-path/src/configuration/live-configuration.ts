import type { KeyPoolObserver, KeyStateStore } from '@tollgate/keypool';
import type { Clock } from '@tollgate/time';
import type { TollgateConfig } from '@tollgate/platform';
import { GatewayTokenRegistry } from '../auth/gateway-token.registry';
import { ProviderRegistry } from '../keys/provider-runtime';

/** What a configuration reload replaces; in-flight requests keep the objects they started with. */
interface ReloadableState {
  config: TollgateConfig;
  providers: ProviderRegistry;
  tokens: GatewayTokenRegistry;
}

/**
 * The running configuration with the providers (key pools) and gateway tokens built from it. Read it per request:
 * a reload swaps all three at once. Key states carry over, since they are keyed by key fingerprint.
 */
export class LiveConfiguration {
  private live: ReloadableState;

  constructor(
    config: TollgateConfig,
    private readonly keyStateStore: KeyStateStore,
    private readonly clock: Clock,
    private readonly keyPoolObserver: KeyPoolObserver,
  ) {
    this.live = this.build(config);
  }

  get config(): TollgateConfig {
    return this.live.config;
  }

  get providers(): ProviderRegistry {
    return this.live.providers;
  }

  get tokens(): GatewayTokenRegistry {
    return this.live.tokens;
  }

  replace(next: TollgateConfig): void {
    this.live = this.build(next);
  }

  private build(config: TollgateConfig): ReloadableState {
    return {
      config,
      providers: new ProviderRegistry(config, this.keyStateStore, this.clock, this.keyPoolObserver),
      tokens: new GatewayTokenRegistry(config.auth.tokens),
    };
  }
}
