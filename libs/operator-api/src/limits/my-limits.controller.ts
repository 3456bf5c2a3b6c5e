import { Controller, Get, Inject, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { LimitReading } from '@tollgate/limits';
import { CallerAccessPolicy, LimitGuard } from '@tollgate/request-path';
import type { Clock } from '@tollgate/time';
import { InjectGatewayClock } from '../operator-api.tokens';
import { ApiError, ApiErrorFilter } from '../identity/api-error';
import { CallerTokenGuard, type CallerRequest } from '../identity/caller-token.guard';

/** `GET /v1/me/limits`: the caller's own limits and what remains of them (docs/limits.md). */
@Controller('v1/me/limits')
@UseGuards(CallerTokenGuard)
@UseFilters(ApiErrorFilter)
export class MyLimitsController {
  constructor(
    @Inject(CallerAccessPolicy) private readonly access: CallerAccessPolicy,
    @Inject(LimitGuard) private readonly limits: LimitGuard,
    @InjectGatewayClock() private readonly clock: Clock,
  ) {}

  @Get()
  async myLimits(@Req() request: CallerRequest) {
    const access = this.access.accessOf(request.caller!);
    let readings: LimitReading[];
    try {
      readings = await this.limits.readings(access);
    } catch {
      throw new ApiError(503, 'limits_unavailable', 'the limit counters cannot be read right now; try again shortly');
    }
    const now = this.clock.now();
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
