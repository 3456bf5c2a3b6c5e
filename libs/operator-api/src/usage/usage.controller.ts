import { Controller, Get, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { microsToUsd, usageTotals, utcMonthOf, type UsageRow, type UsageStore, type UsageTotals } from '@tollgate/usage';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { ApiError, ApiErrorFilter, invalidRequest } from '../identity/api-error';
import { CallerTokenGuard, type CallerRequest } from '../identity/caller-token.guard';
import type { UsageTotalsView, UsageView } from './usage-api.views';
import { adminUsageQuerySchema, myUsageQuerySchema, type UsageRequest } from './usage-request.schemas';

/** Operators: usage and cost of every caller, grouped by user, model, provider instance or UTC day. */
@Controller('admin/v1/usage')
@UseGuards(AdminTokenGuard)
@UseFilters(ApiErrorFilter)
export class UsageAdminController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get()
  usage(@Query() query: unknown): Promise<UsageView> {
    return answerUsage(this.runtime, adminUsageQuerySchema.parse(query ?? {}));
  }
}

/** The caller of a gateway token: their own usage and cost. */
@Controller('v1/me/usage')
@UseGuards(CallerTokenGuard)
@UseFilters(ApiErrorFilter)
export class MyUsageController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get()
  usage(@Req() request: CallerRequest, @Query() query: unknown): Promise<UsageView> {
    return answerUsage(this.runtime, myUsageQuerySchema.parse(query ?? {}), request.caller!.userId);
  }
}

async function answerUsage(runtime: GatewayRuntime, request: UsageRequest, initiatorId?: string): Promise<UsageView> {
  const store = requireUsageStore(runtime);
  const month = utcMonthOf(runtime.now());
  const from = request.from ? new Date(request.from) : month.from;
  const to = request.to ? new Date(request.to) : month.to;
  if (from.getTime() >= to.getTime()) throw invalidRequest('from must be before to (to is exclusive)');
  const rows: UsageRow[] = await store.usageByGroup({ groupBy: request.groupBy, from, to, initiatorId, credentialKind: request.credentialKind });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    groupBy: request.groupBy,
    rows: rows.map((row) => ({ key: row.key, ...totalsView(row) })),
    totals: totalsView(usageTotals(rows)),
  };
}

function totalsView(totals: UsageTotals): UsageTotalsView {
  const { interceptions, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costMicros } = totals;
  return { interceptions, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costMicros, costUsd: microsToUsd(costMicros) };
}

function requireUsageStore(runtime: GatewayRuntime): UsageStore {
  if (!runtime.usageStore) throw new ApiError(503, 'usage_unavailable', 'usage is read from the recording database: start the gateway with DATABASE_URL');
  return runtime.usageStore;
}
