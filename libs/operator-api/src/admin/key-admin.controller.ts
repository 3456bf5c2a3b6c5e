import { Controller, Get, HttpCode, NotFoundException, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import type { KeyListing } from '@tollgate/keypool';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { Audited } from '../audit/audited.decorator';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import type { ProviderRuntime } from '@tollgate/request-path';

/** Operator view of the key pools: hints and states only, never a key. */
@Controller('admin/v1/providers')
@UseGuards(AdminTokenGuard)
export class KeyAdminController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get(':name/keys')
  listKeys(@Param('name') name: string) {
    return { provider: name, keys: this.provider(name).pool.list() };
  }

  @Post(':name/keys/:position/enable')
  @HttpCode(200)
  @Audited<{ key?: KeyListing }>('pool_key.enable', ({ params, result }) => ({
    target: `${params.name}/${params.position}`,
    details: { hint: result.key?.hint ?? '' },
  }))
  async enableKey(@Param('name') name: string, @Param('position', ParseIntPipe) position: number) {
    const pool = this.provider(name).pool;
    if (!(await pool.enable(position))) throw new NotFoundException({ error: { type: 'not_found', message: `no key at position ${position}` } });
    return { provider: name, key: pool.list().find((key) => key.position === position) };
  }

  private provider(name: string): ProviderRuntime {
    const provider = this.runtime.providers.get(name);
    if (!provider) throw new NotFoundException({ error: { type: 'not_found', message: `no provider named "${name}"` } });
    return provider;
  }
}
