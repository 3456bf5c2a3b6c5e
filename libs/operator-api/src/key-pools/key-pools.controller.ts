import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import type { Clock } from '@tollgate/time';
import { LiveConfiguration } from '@tollgate/request-path';
import type { InterceptionStore } from '@tollgate/usage';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { InjectGatewayClock, InjectInterceptionStore } from '../operator-api.tokens';
import type { ProviderConfig } from '@tollgate/platform';
import type { KeyPoolsView, ProviderUpstream } from './key-pools.views';

/**
 * Every provider instance and its pool in one answer (the console's key pools page): states from the key-state
 * store's local view, last uses from the recording database (when there is one).
 */
@Controller('admin/v1/providers')
@UseGuards(AdminTokenGuard)
export class KeyPoolsController {
  constructor(
    @Inject(LiveConfiguration) private readonly live: LiveConfiguration,
    @InjectInterceptionStore() private readonly store: InterceptionStore | undefined,
    @InjectGatewayClock() private readonly clock: Clock,
  ) {}

  @Get()
  async list(): Promise<KeyPoolsView> {
    const providers = this.live.providers.all().map((provider) => ({
      name: provider.config.name,
      type: provider.config.type,
      strategy: provider.config.strategy,
      upstream: upstreamOf(provider.config),
      region: provider.config.bedrock?.region ?? null,
      keys: provider.pool.list(),
    }));
    const store = this.store;
    const uses = store
      ? await store.poolKeyUses(providers.flatMap((provider) => provider.keys.map((key) => ({ providerName: provider.name, hint: key.hint }))))
      : [];
    const lastUse = new Map(uses.map((use) => [`${use.providerName}\n${use.hint}`, use.lastUsedAt.toISOString()]));
    return {
      now: new Date(this.clock.now()).toISOString(),
      lastUseRecorded: store !== undefined,
      providers: providers.map((provider) => ({
        ...provider,
        keys: provider.keys.map((key) => ({ ...key, lastUsedAt: lastUse.get(`${provider.name}\n${key.hint}`) ?? null })),
      })),
    };
  }
}

function upstreamOf(config: ProviderConfig): ProviderUpstream {
  if (config.bedrock) return 'bedrock';
  return config.auth === 'api-key' || config.azure ? 'azure-openai' : 'direct';
}
