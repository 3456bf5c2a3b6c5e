import { Controller, Get, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { GatewayRuntime } from '@tollgate/gateway';
import type { LimitReading } from '@tollgate/limits';
import { InjectGatewayRuntime } from '../composition.tokens';
import { ApiError, ApiErrorFilter } from '../identity/api-error';
import { CallerTokenGuard, type CallerRequest } from '../identity/caller-token.guard';

/** `GET /v1/me/limits`: the caller's own limits and what remains of them (docs/limits.md). */
@Controller('v1/me/limits')
@UseGuards(CallerTokenGuard)
@UseFilters(ApiErrorFilter)
export class MyLimitsController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get()
  async myLimits(@Req() request: CallerRequest) {
    const access = this.runtime.callerAccess(request.caller!);
    let readings: LimitReading[];
    try {
      readings = await this.runtime.limits.readings(access);
    } catch {
      throw new ApiError(503, 'limits_unavailable', 'the limit counters cannot be read right now; try again shortly');
    }
    const now = this.runtime.now().getTime();
    return {
      items: readings.map(({ scope, id, kind, limit, remaining, resetMs }) => ({
        scope,
        id,
        kind,
        limit,
        remaining,
        resetsAt: resetMs === null ? null : new Date(now + resetMs).toISOString(),
      })),
      models: access.modelPolicies,
    };
  }
}
