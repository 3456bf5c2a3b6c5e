import { periodWindowFromKey, periodWindowOf, secondsUntil } from './budget-period';

const at = (iso: string) => new Date(iso);
const span = (window: { start: Date; end: Date }) => [window.start.toISOString(), window.end.toISOString()];

describe('periodWindowOf', () => {
  it('day: the UTC calendar day', () => {
    const window = periodWindowOf('day', at('2026-12-01T23:59:59.999Z'));
    expect(span(window)).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z']);
    expect(window.key).toBe('day:2026-12-01');
  });

  it('day: the last day of a year runs into the next year', () => {
    expect(span(periodWindowOf('day', at('2026-12-31T12:00:00Z')))).toEqual(['2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('week: ISO weeks start on Monday 00:00 UTC', () => {
    // 2026-12-01 is a Tuesday; 2026-11-30 the Monday.
    expect(span(periodWindowOf('week', at('2026-12-01T08:00:00Z')))).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
    // A Sunday belongs to the week that started six days before.
    expect(periodWindowOf('week', at('2026-12-06T23:59:59Z')).key).toBe('week:2026-11-30');
    // A Monday starts a new week.
    expect(periodWindowOf('week', at('2026-12-07T00:00:00Z')).key).toBe('week:2026-12-07');
  });

  it('week: across a year boundary', () => {
    // 2027-01-01 is a Friday: its week started on Monday 2026-12-28.
    expect(span(periodWindowOf('week', at('2027-01-01T00:00:00Z')))).toEqual(['2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z']);
  });

  it('month: the calendar month, including February of a leap year and December', () => {
    expect(span(periodWindowOf('month', at('2028-02-29T23:00:00Z')))).toEqual(['2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z']);
    const december = periodWindowOf('month', at('2026-12-31T23:59:59.999Z'));
    expect(span(december)).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(december.key).toBe('month:2026-12');
    expect(periodWindowOf('month', at('2027-01-01T00:00:00Z')).key).toBe('month:2027-01');
  });

  it('ignores the local time zone: only UTC counts', () => {
    expect(periodWindowOf('day', at('2026-12-01T00:30:00+02:00')).key).toBe('day:2026-11-30');
  });
});

describe('periodWindowFromKey', () => {
  it('round-trips every period', () => {
    for (const period of ['day', 'week', 'month'] as const) {
      const window = periodWindowOf(period, at('2026-12-31T10:00:00Z'));
      expect(periodWindowFromKey(window.key)).toEqual(window);
    }
  });

  it('refuses keys it did not make', () => {
    expect(periodWindowFromKey('week:2026-12-01')).toBeUndefined(); // a Tuesday does not start a week
    expect(periodWindowFromKey('day:2026-13-01')).toBeUndefined();
    expect(periodWindowFromKey('year:2026')).toBeUndefined();
  });
});

it('secondsUntil rounds up and is at least 1', () => {
  expect(secondsUntil(at('2026-12-02T00:00:00Z'), at('2026-12-01T23:59:58.500Z'))).toBe(2);
  expect(secondsUntil(at('2026-12-02T00:00:00Z'), at('2026-12-02T00:00:00Z'))).toBe(1);
});
