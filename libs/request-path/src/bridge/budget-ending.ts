import type { BudgetEnding } from '../budget/budget.guard';
import type { Outcome } from './interception-outcome';

/**
 * What a budgeted interception is charged for (see `BudgetEnding`). A client that left is `cut_short` even before
 * the answer began: the upstream was already working on it. Otherwise only an answer the client got as a success
 * can be `complete`, and only with its usage and no error after it began.
 */
export function budgetEndingOf(outcome: Outcome, clientGotSuccess: boolean): BudgetEnding {
  if (outcome.error?.type === 'client_disconnected') return 'cut_short';
  if (!clientGotSuccess) return 'not_served';
  return outcome.error || outcome.tokenUsages.length === 0 ? 'cut_short' : 'complete';
}
