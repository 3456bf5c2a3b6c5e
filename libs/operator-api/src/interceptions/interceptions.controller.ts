import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { fillActivity, microsToUsd, type ActivityBucket, type InterceptionStore, type InterceptionSummary } from '@tollgate/usage';
import type { TollgateConfig } from '@tollgate/platform';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { ApiError, ApiErrorFilter, invalidRequest, notFound } from '../identity/api-error';
import type { ActivityView, InterceptionDetailView, InterceptionListView, InterceptionView } from './interception-api.views';
import { activityQuerySchema, interceptionListQuerySchema, MAX_ACTIVITY_BUCKETS } from './interception-request.schemas';

/** Operators: the recorded interceptions, one at a time or filtered, and the traffic over time. */
@Controller('admin/v1')
@UseGuards(AdminTokenGuard)
@UseFilters(ApiErrorFilter)
export class InterceptionsController {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  @Get('interceptions')
  async list(@Query() query: unknown): Promise<InterceptionListView> {
    const request = interceptionListQuerySchema.parse(query ?? {});
    const from = request.from ? new Date(request.from) : undefined;
    const to = request.to ? new Date(request.to) : undefined;
    if (from && to && from.getTime() >= to.getTime()) throw invalidRequest('from must be before to (to is exclusive)');
    const page = await requireInterceptionStore(this.runtime).list({
      initiatorId: request.user,
      providerName: request.provider,
      model: request.model,
      status: request.status,
      from,
      to,
      limit: request.limit,
      after: request.after,
    });
    return { items: page.items.map(interceptionView), next: page.next ?? null };
  }

  @Get('interceptions/:id')
  async detail(@Param('id') id: string): Promise<InterceptionDetailView> {
    const found = await requireInterceptionStore(this.runtime).find(id);
    if (!found) throw notFound(`no interception ${id}`);
    return {
      ...interceptionView(found),
      userAgent: found.userAgent,
      metadata: found.metadata,
      priceVersion: found.priceVersion,
      tokenUsages: found.tokenUsages.map((usage) => ({ ...usage, createdAt: usage.createdAt.toISOString() })),
      traceUrl: traceUrl(this.runtime.config.console, found.id),
    };
  }

  @Get('activity')
  async activity(@Query() query: unknown): Promise<ActivityView> {
    const request = activityQuerySchema.parse(query ?? {});
    const stepMs = request.bucketSeconds * 1000;
    const to = request.to ? new Date(request.to) : new Date(Math.ceil(this.runtime.now().getTime() / stepMs) * stepMs);
    const from = request.from ? new Date(request.from) : new Date(to.getTime() - 60 * stepMs);
    if (from.getTime() >= to.getTime()) throw invalidRequest('from must be before to (to is exclusive)');
    if ((to.getTime() - from.getTime()) / stepMs > MAX_ACTIVITY_BUCKETS) {
      throw invalidRequest(`at most ${MAX_ACTIVITY_BUCKETS} buckets: widen bucketSeconds or narrow from/to`);
    }
    const range = { from, to, bucketSeconds: request.bucketSeconds };
    const buckets = fillActivity(range, await requireInterceptionStore(this.runtime).activity(range));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      bucketSeconds: request.bucketSeconds,
      buckets: buckets.map((bucket) => ({ start: bucket.start.toISOString(), ...bucketTotals(bucket) })),
      totals: bucketTotals(sumBuckets(buckets)),
    };
  }
}

function interceptionView(summary: InterceptionSummary): InterceptionView {
  return {
    ...summary,
    startedAt: summary.startedAt.toISOString(),
    endedAt: summary.endedAt?.toISOString() ?? null,
    durationMs: summary.endedAt ? summary.endedAt.getTime() - summary.startedAt.getTime() : null,
    costUsd: microsToUsd(summary.costMicros),
  };
}

/** Jaeger's search for the spans tagged with this interception id (the gateway tags each interception's spans). */
function traceUrl(settings: TollgateConfig['console'], interceptionId: string): string | null {
  if (!settings.jaegerUrl) return null;
  const search = new URL('search', settings.jaegerUrl.endsWith('/') ? settings.jaegerUrl : `${settings.jaegerUrl}/`);
  search.searchParams.set('service', settings.jaegerService);
  search.searchParams.set('tags', JSON.stringify({ 'tollgate.interception.id': interceptionId }));
  return search.toString();
}

function bucketTotals(bucket: Omit<ActivityBucket, 'start'>) {
  const { interceptions, errors, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costMicros } = bucket;
  return { interceptions, errors, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costMicros, costUsd: microsToUsd(costMicros) };
}

function sumBuckets(buckets: readonly ActivityBucket[]): Omit<ActivityBucket, 'start'> {
  const totals = { interceptions: 0, errors: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costMicros: 0 };
  for (const bucket of buckets) {
    for (const field of Object.keys(totals) as (keyof typeof totals)[]) totals[field] += bucket[field];
  }
  return totals;
}

function requireInterceptionStore(runtime: GatewayRuntime): InterceptionStore {
  if (!runtime.interceptionStore) {
    throw new ApiError(503, 'interceptions_unavailable', 'interceptions are read from the recording database: start the gateway with DATABASE_URL');
  }
  return runtime.interceptionStore;
}
