import type { IdentityDirectory } from '@tollgate/byok';
import type { BudgetGate, BudgetGuard } from './budget.guard';

/** Each user's budget gate: their own budget (from the identity directory), else the deployment's default. */
export class UserBudgetGates {
  constructor(
    private readonly budgets: BudgetGuard,
    /** Users' own budgets; unset when the gateway has no identity database. */
    private readonly directory?: IdentityDirectory,
  ) {}

  /** The budget gate for a centralized request of this user at this provider; undefined: the user is not limited. */
  gateFor(providerName: string, userId: string): BudgetGate | undefined {
    const budget = this.budgets.effective(this.directory?.user(userId)?.budget);
    return budget && this.budgets.gate(providerName, userId, budget);
  }
}
