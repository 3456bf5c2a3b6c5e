import type { IdentityDirectory } from '@tollgate/byok';
import type { CallerAccess } from '@tollgate/limits';
import type { BudgetGate, BudgetGuard, BudgetLimit } from './budget.guard';

/**
 * Each request's budget gate: the user's own budget (from the identity directory, else the deployment's default) and
 * the budget of each team the request counts against (docs/usage.md, "Team budgets").
 */
export class UserBudgetGates {
  constructor(
    private readonly budgets: BudgetGuard,
    /** Users' and teams' budgets; unset when the gateway has no identity database. */
    private readonly directory?: IdentityDirectory,
  ) {}

  /** The budget gate for a centralized request of this caller at this provider; undefined: nothing limits it. */
  gateFor(providerName: string, access: CallerAccess): BudgetGate | undefined {
    const directory = this.directory;
    const limits: BudgetLimit[] = [];
    const own = this.budgets.effective(directory?.user(access.userId)?.budget);
    if (own) limits.push({ owner: { scope: 'user', id: access.userId }, budget: own });
    for (const teamId of access.teamIds) {
      const budget = directory?.team(teamId)?.budget;
      if (directory && budget) limits.push({ owner: { scope: 'team', id: teamId, members: () => directory.teamMembers(teamId) }, budget });
    }
    return limits.length > 0 ? this.budgets.gate(providerName, limits) : undefined;
  }
}
