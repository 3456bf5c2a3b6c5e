import type { KeyPoolObserver, KeyStateStore } from '@tollgate/keypool';
import type { Clock } from '@tollgate/time';
import type { TollgateConfig } from '@tollgate/platform';
import { GatewayTokenRegistry } from '../auth/gateway-token.registry';
import { ProviderRegistry } from '../keys/provider-runtime';
import { ModelAliases } from '../routing/model-aliases';

/** What a configuration reload replaces; in-flight requests keep the objects they started with. */
interface ReloadableState {
  config: TollgateConfig;
  providers: ProviderRegistry;
  /** `routing.aliases`, resolved against these providers. */
  aliases: ModelAliases;
  tokens: GatewayTokenRegistry;
}

/**
 * The running configuration with the providers (key pools) and gateway tokens built from it. Read it per request:
 * a reload swaps them all at once (aliases with the providers they point at). Key states carry over, since they are keyed by key fingerprint.
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

  get aliases(): ModelAliases {
    return this.live.aliases;
  }

  get tokens(): GatewayTokenRegistry {
    return this.live.tokens;
  }

  replace(next: TollgateConfig): void {
    this.live = this.build(next);
  }

  private build(config: TollgateConfig): ReloadableState {
    const providers = new ProviderRegistry(config, this.keyStateStore, this.clock, this.keyPoolObserver);
    return {
      config,
      providers,
      aliases: new ModelAliases(config.routing.aliases, providers),
      tokens: new GatewayTokenRegistry(config.auth.tokens),
    };
  }
}
