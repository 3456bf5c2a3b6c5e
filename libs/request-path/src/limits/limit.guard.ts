import type { CallerAccess, LimitHold, LimitRefusal, LimitSet, LimitSubject, RateLimiter } from '@tollgate/limits';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { ProviderType } from '@tollgate/providers';
import type { TokenUsage } from '@tollgate/recording';
import type { Clock } from '@tollgate/time';
import { estimateRequestTokens, type EstimateSettings } from '@tollgate/usage';
import type { BudgetEnding } from '../budget/budget.guard';
import { GatewayError } from '../errors/gateway-error';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import { rateLimitHeaders } from './rate-limit.headers';

/** An admitted request's slots and token reservation, freed and settled when it ends. */
export interface LimitPass {
  ok: true;
  /** The rate-limit headers for every answer to this request. */
  headers: Record<string, string>;
  /** Frees the slots; settles the token reservation as budgets settle theirs (see `BudgetEnding`). Never throws. */
  finish(tokenUsages: readonly TokenUsage[], ending: BudgetEnding): void;
}

export type LimitGateAdmission = LimitPass | { ok: false; error: GatewayError; headers: Record<string, string> };

/** One provider request of a limited caller, before its admission. */
export interface LimitGate {
  /**
   * `body`: the parsed request, for the token estimate (bridged routes; `inputOnly` for embeddings, whose answers have
   * no output tokens); passthrough requests count no tokens.
   */
  admit(body?: EstimatedBody): Promise<LimitGateAdmission>;
}

/** What a request is: who pays for it (pool or the user's own key) and whether its usage is seen (bridged). */
export interface LimitedRequest {
  providerType: ProviderType;
  credential: 'centralized' | 'byok';
  usageKnown: boolean;
}

/** Redis failures are logged at most this often (they can come with every request while Redis is down). */
const FAILURE_LOG_INTERVAL_MS = 10_000;

/**
 * Rate and concurrency limits on the provider request path (docs/limits.md). Which counters apply comes from the
 * caller's access; BYOK requests never count toward token limits and, with `limits.byok: exempt`, toward none.
 * If the counters cannot be reached (Redis down) the request is admitted without limits, with a warning and the
 * `tollgate_limit_check_failures_total` metric: limits guard fairness, not money (budgets, which do, fail closed).
 */
export class LimitGuard {
  private lastFailureLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly settings: () => TollgateConfig['limits'],
    private readonly estimate: EstimateSettings,
    private readonly clock: Clock,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** The gate for one request; undefined when no limit counts for it. */
  gate(access: CallerAccess, request: LimitedRequest): LimitGate | undefined {
    if (access.limitSubjects.length === 0) return undefined;
    const countsRequests = request.credential === 'centralized' || this.settings().byok === 'count';
    const countsTokens = request.credential === 'centralized' && request.usageKnown;
    // A pool-paid bridged request counts every limit: the caller's subjects as they are, without copies.
    const subjects = countsRequests && countsTokens ? access.limitSubjects : countedSubjects(access.limitSubjects, countsRequests, countsTokens);
    if (subjects.length === 0) return undefined;
    return { admit: (body) => this.admit(request.providerType, subjects, body) };
  }

  /** The caller's counters as they stand (`GET /v1/me/limits`). */
  readings(access: CallerAccess) {
    return this.limiter.peek(access.limitSubjects);
  }

  async close(): Promise<void> {
    await this.limiter.close();
  }

  private async admit(providerType: ProviderType, subjects: readonly LimitSubject[], body?: EstimatedBody): Promise<LimitGateAdmission> {
    const countsTokens = subjects.some((subject) => subject.limits.tokensPerMinute !== undefined);
    const tokens = countsTokens && body ? estimatedTokens(body, this.estimate) : 0;
    let admission;
    try {
      admission = await this.limiter.admit({ subjects, tokens });
    } catch (error) {
      this.checkFailed(error, 'could not check rate limits; admitting the request unlimited');
      return { ok: true, headers: {}, finish: () => undefined };
    }
    const headers = rateLimitHeaders(providerType, admission.status, this.clock.now());
    if (!admission.admitted) {
      this.metrics.limitRefused(admission.refusal.kind, admission.refusal.scope);
      const { refusal } = admission;
      return { ok: false, error: new GatewayError(`${refusal.kind}_limit_exceeded`, refusalMessage(refusal), refusal.retryAfterSeconds), headers };
    }
    const hold = admission.hold;
    return { ok: true, headers, finish: (usages, ending) => this.finish(hold, tokens, usages, ending) };
  }

  private finish(hold: LimitHold, reservedTokens: number, usages: readonly TokenUsage[], ending: BudgetEnding): void {
    let used = totalTokens(usages);
    // As budgets do: a request cut short is charged at least its estimate (leaving early is never cheaper).
    if (ending === 'cut_short') used = Math.max(used, reservedTokens);
    hold.finish(used).catch((error: unknown) => this.checkFailed(error, 'could not settle rate limits (slots expire with their lease)'));
  }

  private checkFailed(error: unknown, message: string): void {
    this.metrics.limitCheckFailed();
    const now = this.clock.now();
    if (now - this.lastFailureLoggedAt < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLoggedAt = now;
    this.logger.warn({ err: error }, message);
  }
}

function countedSubjects(all: readonly LimitSubject[], countsRequests: boolean, countsTokens: boolean): LimitSubject[] {
  const subjects: LimitSubject[] = [];
  for (const subject of all) {
    const limits = countedLimits(subject.limits, countsRequests, countsTokens);
    if (limits) subjects.push({ scope: subject.scope, id: subject.id, limits });
  }
  return subjects;
}

/** The limits of a set that count for a request, or undefined if none does. */
function countedLimits(limits: LimitSet, countsRequests: boolean, countsTokens: boolean): LimitSet | undefined {
  const counted: LimitSet = {};
  if (countsRequests && limits.requestsPerMinute !== undefined) counted.requestsPerMinute = limits.requestsPerMinute;
  if (countsRequests && limits.concurrent !== undefined) counted.concurrent = limits.concurrent;
  if (countsTokens && limits.tokensPerMinute !== undefined) counted.tokensPerMinute = limits.tokensPerMinute;
  return Object.keys(counted).length > 0 ? counted : undefined;
}

type EstimatedBody = { parsed: unknown; bytes: number; inputOnly?: boolean };

function estimatedTokens(body: EstimatedBody, settings: EstimateSettings): number {
  const { inputTokens, outputTokens } = estimateRequestTokens({ body: body.parsed, bodyBytes: body.bytes, inputOnly: body.inputOnly }, settings);
  return inputTokens + outputTokens;
}

/** Input (uncached, cache reads and writes) and output tokens: what a tokens-per-minute limit counts. */
function totalTokens(usages: readonly TokenUsage[]): number {
  let total = 0;
  for (const usage of usages) total += usage.inputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens + usage.outputTokens;
  return total;
}

const LIMIT_UNITS = { request: 'requests per minute', token: 'tokens per minute', concurrency: 'concurrent requests' } as const;

/** Names the scope and the limit, never a user: the user scope is always the caller. */
function refusalMessage(refusal: LimitRefusal): string {
  const whose = refusal.scope === 'user' ? 'your user' : refusal.scope === 'team' ? `team '${refusal.id}'` : 'this gateway token';
  const retry = refusal.kind === 'concurrency' ? 'retry when one of your requests has ended' : `retry in ${refusal.retryAfterSeconds} s`;
  return `${refusal.kind} limit exceeded for ${whose} (${refusal.limit} ${LIMIT_UNITS[refusal.kind]}); ${retry}`;
}
