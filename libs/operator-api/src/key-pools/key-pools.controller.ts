import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import type { KeyPoolsView } from './key-pools.views';

/**
 * Every provider instance and its pool in one answer (the console's key pools page): states from the key-state
 * store's local view, last uses from the recording database (when there is one).
 */
@Controller('admin/v1/providers')
@UseGuards(AdminTokenGuard)
export class KeyPoolsController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get()
  async list(): Promise<KeyPoolsView> {
    const providers = this.runtime.providers.all().map((provider) => ({
      name: provider.config.name,
      type: provider.config.type,
      strategy: provider.config.strategy,
      keys: provider.pool.list(),
    }));
    const store = this.runtime.interceptionStore;
    const uses = store
      ? await store.poolKeyUses(providers.flatMap((provider) => provider.keys.map((key) => ({ providerName: provider.name, hint: key.hint }))))
      : [];
    const lastUse = new Map(uses.map((use) => [`${use.providerName}\n${use.hint}`, use.lastUsedAt.toISOString()]));
    return {
      now: this.runtime.now().toISOString(),
      lastUseRecorded: store !== undefined,
      providers: providers.map((provider) => ({
        ...provider,
        keys: provider.keys.map((key) => ({ ...key, lastUsedAt: lastUse.get(`${provider.name}\n${key.hint}`) ?? null })),
      })),
    };
  }
}
