import type { ByokMode } from '@tollgate/byok';
import type { LimitSet, ModelPolicy } from '@tollgate/limits';

// What the user and admin APIs answer (JSON): the contract their clients (the admin CLI) are typed against.

/** A stored key as the APIs show it: never the key, only its hint. */
export interface KeyView {
  provider: string;
  hint: string;
  baseUrl: string | null;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
}

export interface TokenView {
  id: string;
  user: string;
  name: string;
  hint: string;
  createdAt: string;
  revokedAt: string | null;
  /** Refused from then on; null: never expires. */
  expiresAt: string | null;
  limits: LimitSet | null;
  models: ModelPolicy | null;
  /** The one team the token's requests count against; null: every team of the user. */
  team: string | null;
  /** As the gateways last wrote it (in batches, so up to a poll interval late); null: never used. */
  lastUsedAt: string | null;
}

/** A budget on centralized spend: US dollars per calendar period (UTC). */
export interface BudgetView {
  amountUsd: number;
  period: 'day' | 'week' | 'month';
}

export interface UserView {
  id: string;
  displayName: string;
  /** The user's own override, or null for the deployment default. */
  byokMode: ByokMode | null;
  effectiveByokMode: ByokMode;
  /** The user's own budget, or null for the deployment default. */
  budget: BudgetView | null;
  /** What limits the user's centralized spend; null: nothing. */
  effectiveBudget: BudgetView | null;
  /** The user's own limits, or null for `limits.default`. */
  limits: LimitSet | null;
  /** The user's own model policy, or null for none. */
  models: ModelPolicy | null;
  /** The teams the user belongs to. */
  teams: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TeamView {
  id: string;
  name: string;
  limits: LimitSet | null;
  /** Counted in addition to each member's own budget; null: the team has none. */
  budget: BudgetView | null;
  models: ModelPolicy | null;
  /** User ids. */
  members: string[];
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/me`: the caller as a user (timestamps are null for a config-file user without a row) and their keys. */
export interface MeView extends Omit<UserView, 'createdAt' | 'updatedAt'> {
  createdAt: string | null;
  updatedAt: string | null;
  keys: KeyView[];
}

export function budgetView(budget: { micros: number; period: BudgetView['period'] } | null | undefined): BudgetView | null {
  return budget ? { amountUsd: budget.micros / 1_000_000, period: budget.period } : null;
}
