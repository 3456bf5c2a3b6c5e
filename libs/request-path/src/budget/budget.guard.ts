import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { TokenUsage } from '@tollgate/recording';
import type { Clock } from '@tollgate/time';
import {
  estimateRequestCost,
  periodWindowOf,
  secondsUntil,
  type BudgetLedger,
  type BudgetOwner,
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

/** One budget a request is held to: the user's own (or the default), or one of its teams'. */
export interface BudgetLimit {
  owner: BudgetOwner;
  budget: EffectiveBudget;
}

/** One centralized request's hold on its user's budget and its teams' budgets. */
export interface BudgetHold {
  /** `servedBy`: the provider and model that served, when not the ones admitted (a model alias fell back). */
  finish(tokenUsages: readonly TokenUsage[], ending: BudgetEnding, servedBy?: { providerName: string; model: string }): Promise<void>;
}

export type BudgetAdmission = { ok: true; hold: BudgetHold } | { ok: false; error: GatewayError };

/** One budgeted request before its reservation: what the router knows (provider, the budgets it is held to). */
export interface BudgetGate {
  /** `inputOnly`: the API's answers have no output tokens (embeddings), so none are reserved. */
  admit(model: string, body: unknown, bodyBytes: number, inputOnly?: boolean): Promise<BudgetAdmission>;
}

/**
 * Budgets on centralized spend: estimates a request, reserves it in the ledger before the upstream call — on the
 * user's budget and on each team budget it counts against: it must fit every one — and settles every hold with the
 * real cost (priced like the recorder prices it) or releases them.
 */
export class BudgetGuard {
  constructor(
    private readonly ledger: BudgetLedger,
    private readonly prices: PriceTable,
    private readonly settings: TollgateConfig['budgets'],
    private readonly clock: Clock,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** The user's own budget, else the default; undefined: not limited. */
  effective(own: EffectiveBudget | null | undefined): EffectiveBudget | undefined {
    if (own) return own;
    const fallback = this.settings.default;
    return fallback ? { micros: fallback.amountMicros, period: fallback.period } : undefined;
  }

  /** The gate for a request held to these budgets (at least one). */
  gate(providerName: string, limits: readonly BudgetLimit[]): BudgetGate {
    return { admit: (model, body, bodyBytes, inputOnly) => this.admit(providerName, limits, model, body, bodyBytes, inputOnly) };
  }

  async close(): Promise<void> {
    await this.ledger.close();
  }

  /** Reserves on each budget in turn; when one refuses, the holds already taken are given back. */
  private async admit(
    providerName: string,
    limits: readonly BudgetLimit[],
    model: string,
    body: unknown,
    bodyBytes: number,
    inputOnly?: boolean,
  ): Promise<BudgetAdmission> {
    const now = new Date(this.clock.now());
    const estimate = estimateRequestCost(this.prices, providerName, model, { bodyBytes, body, inputOnly }, this.settings.estimate);
    const reservations: BudgetReservation[] = [];
    for (const { owner, budget } of limits) {
      const window = periodWindowOf(budget.period, now);
      let result;
      try {
        result = await this.ledger.reserve(owner, window.key, budget.micros, estimate.costMicros, window.end);
      } catch (error) {
        this.releaseAll(reservations);
        // Never a silent pass: without the ledger the budget cannot be checked, so the request is refused.
        this.logger.error({ err: error, [owner.scope === 'team' ? 'teamId' : 'userId']: owner.id, period: window.key }, 'budget ledger unavailable; refusing the centralized request');
        return { ok: false, error: new GatewayError('upstream_unavailable', 'the gateway cannot check your budget right now; try again shortly', 1) };
      }
      if (!result.ok) {
        this.releaseAll(reservations);
        this.metrics.budgetRejected(providerName);
        const whose = owner.scope === 'team' ? `team ${owner.id} budget exceeded` : 'budget exceeded';
        const message =
          `${whose}: ${formatUsd(result.spentMicros)} of ${formatUsd(budget.micros)} spent this ${budget.period} ` +
          `(centralized keys); the budget resets at ${result.resetsAt.toISOString()}`;
        return { ok: false, error: new GatewayError('budget_exceeded', message, secondsUntil(result.resetsAt, now)) };
      }
      reservations.push(result.reservation);
    }
    return {
      ok: true,
      hold: {
        finish: (usages, ending, servedBy) => this.finish(reservations, servedBy?.providerName ?? providerName, servedBy?.model ?? model, usages, ending),
      },
    };
  }

  private releaseAll(reservations: readonly BudgetReservation[]): void {
    for (const reservation of reservations) {
      this.ledger.release(reservation).catch((error: unknown) => this.logger.warn({ err: error, period: reservation.periodKey }, 'could not release a budget reservation'));
    }
  }

  private async finish(
    reservations: readonly BudgetReservation[],
    providerName: string,
    model: string,
    usages: readonly TokenUsage[],
    ending: BudgetEnding,
  ): Promise<void> {
    let costMicros = 0;
    for (const usage of usages) costMicros += this.prices.cost(providerName, model, usage).costMicros;
    const released = usages.length === 0 && ending === 'not_served';
    let settled = false;
    for (const reservation of reservations) {
      try {
        if (released) {
          await this.ledger.release(reservation);
          continue;
        }
        await this.ledger.settle(reservation, ending === 'cut_short' ? Math.max(costMicros, reservation.estimateMicros) : costMicros);
        settled = true;
      } catch (error) {
        // The counter is rebuilt from Postgres when it goes missing; a lost settle is corrected at the next rebuild.
        this.logger.warn({ err: error, owner: `${reservation.owner.scope}:${reservation.owner.id}`, period: reservation.periodKey }, 'could not settle a budget reservation');
      }
    }
    // The spend is counted once, however many budgets held it.
    if (settled && reservations.length > 0) {
      this.metrics.centralizedSpent(providerName, ending === 'cut_short' ? Math.max(costMicros, reservations[0].estimateMicros) : costMicros);
    }
  }
}

function formatUsd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(micros % 10_000 === 0 ? 2 : 6)}`;
}
