import { Body, Controller, Delete, Get, HttpCode, Param, Put, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { ApiErrorFilter } from './api-error';
import { CallerTokenGuard, type CallerRequest } from './caller-token.guard';
import { budgetView } from './identity-api.views';
import { putKeySchema } from './identity-request.schemas';
import { requireIdentity } from './identity-availability';

/** Self-service for the caller of a gateway token: who am I, and my stored provider keys (hints only). */
@Controller('v1/me')
@UseGuards(CallerTokenGuard)
@UseFilters(ApiErrorFilter)
export class MeController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get()
  async whoAmI(@Req() request: CallerRequest) {
    const userId = request.caller!.userId;
    const identity = this.runtime.identity;
    if (identity) return identity.whoAmI(userId);
    const mode = this.runtime.config.byok.mode;
    const fallback = this.runtime.config.budgets.default;
    const effectiveBudget = budgetView(fallback && { micros: fallback.amountMicros, period: fallback.period });
    return { id: userId, displayName: '', byokMode: null, effectiveByokMode: mode, budget: null, effectiveBudget, createdAt: null, updatedAt: null, keys: [] };
  }

  @Get('keys')
  async listKeys(@Req() request: CallerRequest) {
    return { keys: await requireIdentity(this.runtime).listKeys(request.caller!.userId) };
  }

  @Put('keys/:provider')
  async putKey(@Req() request: CallerRequest, @Param('provider') provider: string, @Body() body: unknown) {
    const input = putKeySchema.parse(body ?? {});
    return requireIdentity(this.runtime).putKey(request.caller!.userId, provider, input);
  }

  @Delete('keys/:provider')
  @HttpCode(204)
  async deleteKey(@Req() request: CallerRequest, @Param('provider') provider: string): Promise<void> {
    await requireIdentity(this.runtime).deleteKey(request.caller!.userId, provider);
  }
}
