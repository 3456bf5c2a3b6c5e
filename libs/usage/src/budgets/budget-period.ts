/** How often a budget resets: calendar-aligned in UTC (an ISO week starts on Monday). */
export type BudgetPeriod = 'day' | 'week' | 'month';

export const BUDGET_PERIODS = ['day', 'week', 'month'] as const satisfies readonly BudgetPeriod[];

/** One occurrence of a period: [start, end), and a key naming it (`day:2026-12-01`, `week:2026-11-30`, `month:2026-12`). */
export interface PeriodWindow {
  period: BudgetPeriod;
  start: Date;
  end: Date;
  key: string;
}

const DAY_MS = 86_400_000;

/** The period occurrence containing `at`. */
export function periodWindowOf(period: BudgetPeriod, at: Date): PeriodWindow {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const day = at.getUTCDate();
  switch (period) {
    case 'day': {
      const start = new Date(Date.UTC(year, month, day));
      return { period, start, end: new Date(start.getTime() + DAY_MS), key: `day:${isoDate(start)}` };
    }
    case 'week': {
      // getUTCDay: Sunday 0 … Saturday 6; days since Monday: (day + 6) % 7.
      const start = new Date(Date.UTC(year, month, day - ((at.getUTCDay() + 6) % 7)));
      return { period, start, end: new Date(start.getTime() + 7 * DAY_MS), key: `week:${isoDate(start)}` };
    }
    case 'month': {
      const start = new Date(Date.UTC(year, month, 1));
      return { period, start, end: new Date(Date.UTC(year, month + 1, 1)), key: `month:${isoDate(start).slice(0, 7)}` };
    }
  }
}

const KEY = /^(day|week|month):(\d{4}-\d{2}(?:-\d{2})?)$/;

/** The window a key from `periodWindowOf` names; undefined for anything else. */
export function periodWindowFromKey(key: string): PeriodWindow | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const period = match[1] as BudgetPeriod;
  const date = match[2].length === 7 ? `${match[2]}-01` : match[2];
  const start = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime())) return undefined;
  const window = periodWindowOf(period, start);
  return window.key === key ? window : undefined;
}

/** Whole seconds from `now` until `end`, at least 1 (a Retry-After value). */
export function secondsUntil(end: Date, now: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
