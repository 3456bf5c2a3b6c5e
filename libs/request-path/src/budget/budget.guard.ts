import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { TokenUsage } from '@tollgate/recording';
import {
  estimateRequestCost,
  periodWindowOf,
  secondsUntil,
  type BudgetLedger,
  type BudgetPeriod,
  type BudgetReservation,
  type PriceTable,
} from '@tollgate/usage';
import { GatewayError } from '../errors/gateway-error';
import type { GatewayMetrics } from '../metrics/gateway.metrics';

/** A user's effective budget: their own, else the deployment default. */
export interface EffectiveBudget {
  micros: number;
  period: BudgetPeriod;
}

/**
 * How a budgeted interception ended, which decides what its hold is charged:
 * - `complete`: the upstream served it and reported its usage — the real cost;
 * - `cut_short`: the upstream took it but its usage was not (all) seen — the client left, the stream broke, no usage
 *   chunk came — the estimate, or the usage seen if that costs more (otherwise leaving early would be free);
 * - `not_served`: the upstream never served it (an error status, unreachable, no key left) — the usage seen if any,
 *   else nothing (the hold is released).
 */
export type BudgetEnding = 'complete' | 'cut_short' | 'not_served';

/** One centralized request's hold on its user's budget. */
export interface BudgetHold {
  finish(tokenUsages: readonly TokenUsage[], ending: BudgetEnding): Promise<void>;
}

export type BudgetAdmission = { ok: true; hold: BudgetHold } | { ok: false; error: GatewayError };

/** One budgeted request before its reservation: what the router knows (user, provider, limit). */
export interface BudgetGate {
  admit(model: string, body: unknown, bodyBytes: number): Promise<BudgetAdmission>;
}

/**
 * Budgets on centralized spend: estimates a request, reserves it in the ledger before the upstream call, settles
 * it with the real cost (priced like the recorder prices it) or releases it.
 */
export class BudgetGuard {
  constructor(
    private readonly ledger: BudgetLedger,
    private readonly prices: PriceTable,
    private readonly settings: TollgateConfig['budgets'],
    private readonly now: () => Date,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** The user's own budget, else the default; undefined: not limited. */
  effective(own: EffectiveBudget | null | undefined): EffectiveBudget | undefined {
    if (own) return own;
    const fallback = this.settings.default;
    return fallback ? { micros: fallback.amountMicros, period: fallback.period } : undefined;
  }

  gate(providerName: string, userId: string, budget: EffectiveBudget): BudgetGate {
    return { admit: (model, body, bodyBytes) => this.admit(providerName, userId, budget, model, body, bodyBytes) };
  }

  async close(): Promise<void> {
    await this.ledger.close();
  }

  private async admit(
    providerName: string,
    userId: string,
    budget: EffectiveBudget,
    model: string,
    body: unknown,
    bodyBytes: number,
  ): Promise<BudgetAdmission> {
    const now = this.now();
    const window = periodWindowOf(budget.period, now);
    const estimate = estimateRequestCost(this.prices, providerName, model, { bodyBytes, body }, this.settings.estimate);
    let result;
    try {
      result = await this.ledger.reserve(userId, window.key, budget.micros, estimate.costMicros, window.end);
    } catch (error) {
      // Never a silent pass: without the ledger the budget cannot be checked, so the request is refused.
      this.logger.error({ err: error, userId, period: window.key }, 'budget ledger unavailable; refusing the centralized request');
      return { ok: false, error: new GatewayError('upstream_unavailable', 'the gateway cannot check your budget right now; try again shortly', 1) };
    }
    if (!result.ok) {
      this.metrics.budgetRejected(providerName);
      const message =
        `budget exceeded: ${formatUsd(result.spentMicros)} of ${formatUsd(budget.micros)} spent this ${budget.period} ` +
        `(centralized keys); the budget resets at ${result.resetsAt.toISOString()}`;
      return { ok: false, error: new GatewayError('budget_exceeded', message, secondsUntil(result.resetsAt, now)) };
    }
    const reservation = result.reservation;
    return { ok: true, hold: { finish: (usages, ending) => this.finish(reservation, providerName, model, usages, ending) } };
  }

  private async finish(
    reservation: BudgetReservation,
    providerName: string,
    model: string,
    usages: readonly TokenUsage[],
    ending: BudgetEnding,
  ): Promise<void> {
    try {
      if (usages.length === 0 && ending === 'not_served') {
        await this.ledger.release(reservation);
        return;
      }
      let costMicros = 0;
      for (const usage of usages) costMicros += this.prices.cost(providerName, model, usage).costMicros;
      if (ending === 'cut_short') costMicros = Math.max(costMicros, reservation.estimateMicros);
      await this.ledger.settle(reservation, costMicros);
      this.metrics.centralizedSpent(providerName, costMicros);
    } catch (error) {
      // The counter is rebuilt from Postgres when it goes missing; a lost settle is corrected at the next rebuild.
      this.logger.warn({ err: error, userId: reservation.userId, period: reservation.periodKey }, 'could not settle a budget reservation');
    }
  }
}

function formatUsd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(micros % 10_000 === 0 ? 2 : 6)}`;
}
