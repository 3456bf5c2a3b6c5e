import type { Schemas } from '../api/api-client';

const DAY_MS = 86_400_000;

/** The UTC calendar period containing `at`, as the gateway counts budgets (weeks start on Monday). */
export function periodWindow(period: Schemas['BudgetPeriod'], at: Date): { from: string; to: string } {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const day = at.getUTCDate();
  const start =
    period === 'day'
      ? Date.UTC(year, month, day)
      : period === 'week'
        ? Date.UTC(year, month, day - ((at.getUTCDay() + 6) % 7))
        : Date.UTC(year, month, 1);
  const end = period === 'day' ? start + DAY_MS : period === 'week' ? start + 7 * DAY_MS : Date.UTC(year, month + 1, 1);
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

export const PERIOD_LABELS: Record<Schemas['BudgetPeriod'], string> = { day: 'per day', week: 'per week', month: 'per month' };
