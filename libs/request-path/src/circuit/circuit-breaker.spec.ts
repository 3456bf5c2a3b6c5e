import { FakeClock } from '@tollgate/testing';
import { CircuitBreaker } from './circuit-breaker';
import { CircuitBreakers, isBreakerFailure, type BreakerKey } from './circuit-breakers';

const OPTIONS = { failureThreshold: 5, windowMs: 10_000, openMs: 30_000, halfOpenTrials: 3 };

function failTimes(breaker: CircuitBreaker, times: number): boolean[] {
  return Array.from({ length: times }, () => breaker.report(true, false));
}

describe('CircuitBreaker', () => {
  let clock: FakeClock;
  let breaker: CircuitBreaker;
  beforeEach(() => {
    clock = new FakeClock(0);
    breaker = new CircuitBreaker(OPTIONS, clock);
  });

  it('opens after 5 consecutive failures and rejects with the remaining open time', () => {
    expect(failTimes(breaker, 4)).toEqual([false, false, false, false]);
    expect(breaker.admit()).toEqual({ admitted: true, trial: false });
    expect(breaker.report(true, false)).toBe(true);
    expect(breaker.currentState()).toBe('open');
    expect(breaker.admit()).toEqual({ admitted: false, retryAfterSeconds: 30 });
    clock.advance(12_500);
    expect(breaker.admit()).toEqual({ admitted: false, retryAfterSeconds: 18 });
  });

  it('a success in between resets the count', () => {
    failTimes(breaker, 4);
    breaker.report(false, false);
    expect(failTimes(breaker, 4)).toEqual([false, false, false, false]);
    expect(breaker.currentState()).toBe('closed');
  });

  it('failures spread over more than the window do not open it', () => {
    failTimes(breaker, 3);
    clock.advance(10_001);
    expect(failTimes(breaker, 4)).toEqual([false, false, false, false]);
    expect(breaker.currentState()).toBe('closed');
    expect(breaker.report(true, false)).toBe(true);
  });

  it('half-open after the open period: admits 3 trials at once, a success closes it', () => {
    failTimes(breaker, 5);
    clock.advance(30_000);
    expect(breaker.currentState()).toBe('half_open');
    expect([breaker.admit(), breaker.admit(), breaker.admit()]).toEqual([
      { admitted: true, trial: true },
      { admitted: true, trial: true },
      { admitted: true, trial: true },
    ]);
    expect(breaker.admit()).toEqual({ admitted: false, retryAfterSeconds: 30 });
    breaker.report(false, true);
    expect(breaker.currentState()).toBe('closed');
    expect(breaker.admit()).toEqual({ admitted: true, trial: false });
  });

  it('a failed trial opens it again for the full period', () => {
    failTimes(breaker, 5);
    clock.advance(30_000);
    breaker.admit();
    expect(breaker.report(true, true)).toBe(true);
    expect(breaker.currentState()).toBe('open');
    clock.advance(29_999);
    expect(breaker.admit().admitted).toBe(false);
  });
});

describe('CircuitBreakers', () => {
  const key: BreakerKey = { provider: 'openai', route: 'openai-chat', model: 'gpt-x' };

  it('keeps one breaker per provider, route and model, and forgets clean ones', () => {
    const events: string[] = [];
    const breakers = new CircuitBreakers(OPTIONS, new FakeClock(0), {
      tripped: (k) => events.push(`trip ${k.model}`),
      rejected: (k) => events.push(`reject ${k.model}`),
    });
    for (let i = 0; i < 5; i++) breakers.report(key, true, false);
    expect(breakers.admit(key).admitted).toBe(false);
    expect(breakers.admit({ ...key, model: 'other' }).admitted).toBe(true);
    expect(events).toEqual(['trip gpt-x', 'reject gpt-x']);
    breakers.report({ ...key, model: 'other' }, true, false);
    breakers.report({ ...key, model: 'other' }, false, false);
    expect(breakers.states().map((state) => state.model)).toEqual(['gpt-x']);
  });

  it('10,000 failing client-chosen model names never keep more breakers than the cap, least recently reported out', () => {
    const breakers = new CircuitBreakers(OPTIONS, new FakeClock(0), { tripped: () => undefined, rejected: () => undefined }, 50);
    for (let i = 0; i < 5; i++) breakers.report(key, true, false);
    for (let model = 0; model < 10_000; model++) {
      breakers.report({ ...key, model: `made-up-${model}` }, true, false);
      if (model % 40 === 0) breakers.report(key, true, false); // still open, and recently reported: kept
      expect(breakers.size).toBeLessThanOrEqual(50);
    }
    expect(breakers.size).toBe(50);
    expect(breakers.admit(key).admitted).toBe(false);
    expect(breakers.states().map((state) => state.model)).not.toContain('made-up-0');
    expect(breakers.states().map((state) => state.model)).toContain('made-up-9999');
  });

  it.each([
    ['openai', 503, true],
    ['openai', 504, true],
    ['openai', 529, false],
    ['anthropic', 529, true],
    ['anthropic', 429, false],
    ['openai', 500, false],
  ] as const)('%s %i counts as a breaker failure: %s', (type, status, expected) => {
    expect(isBreakerFailure(type, status)).toBe(expected);
  });
});
