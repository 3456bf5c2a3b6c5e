import fc from 'fast-check';
import { cooldownFromHeaders, type HeaderBag } from './retry-after.parser';

// Property-based tests (docs/fuzzing.md). fast-check prints the seed and path of any counterexample.
const RUNS = { numRuns: 500 };

/** Whole seconds between 2001 and 2100: HTTP-dates carry no milliseconds. */
const nowMs = fc.integer({ min: 978_307_200, max: 4_102_444_800 }).map((seconds) => seconds * 1000);

const options = fc
  .record({ defaultCooldownMs: fc.integer({ min: 0, max: 86_400_000 }), maxCooldownMs: fc.integer({ min: 1, max: 86_400_000 }) })
  .filter(({ defaultCooldownMs, maxCooldownMs }) => defaultCooldownMs <= maxCooldownMs);

/** Header values upstreams send, plus their near misses and plain garbage. */
const headerValue = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[-+ ]?\d{0,400}(\.\d{0,5})?([eE][-+]?\d{1,3})? ?$/),
  fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('Infinity', 'NaN', '-0', '0', '0.0', '1e400', ' 30 ', '30s', 'Tue, 31 Feb 2099 00:00:00 GMT'),
);

const headerName = fc.constantFrom('retry-after', 'Retry-After', 'RETRY-AFTER', 'retry-after-ms', 'Retry-After-Ms', 'x-ratelimit-reset');

const headers: fc.Arbitrary<HeaderBag> = fc.dictionary(
  headerName,
  fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 }), fc.constant(undefined)),
  { maxKeys: 4 },
);

describe('cooldownFromHeaders properties', () => {
  it('is always a whole number of milliseconds between 0 and the maximum, whatever the headers', () => {
    fc.assert(
      fc.property(headers, nowMs, options, (bag, now, opts) => {
        const cooldown = cooldownFromHeaders(bag, now, opts);
        expect(Number.isInteger(cooldown)).toBe(true);
        expect(cooldown).toBeGreaterThanOrEqual(0);
        expect(cooldown).toBeLessThanOrEqual(opts.maxCooldownMs);
      }),
      RUNS,
    );
  });

  it('delta-seconds and the HTTP-date of the same instant agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), nowMs, options, (seconds, now, opts) => {
        const date = new Date(now + seconds * 1000).toUTCString();
        expect(cooldownFromHeaders({ 'retry-after': date }, now, opts)).toBe(cooldownFromHeaders({ 'retry-after': String(seconds) }, now, opts));
        expect(cooldownFromHeaders({ 'retry-after': String(seconds) }, now, opts)).toBe(Math.min(seconds * 1000, opts.maxCooldownMs));
      }),
      RUNS,
    );
  });

  it('a date in the past, or now, means the default cooldown', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), nowMs, options, (secondsAgo, now, opts) => {
        const date = new Date(now - secondsAgo * 1000).toUTCString();
        expect(cooldownFromHeaders({ 'retry-after': date }, now, opts)).toBe(Math.min(opts.defaultCooldownMs, opts.maxCooldownMs));
      }),
      RUNS,
    );
  });

  it('never shortens when the upstream asks for longer (0 is no answer: the default applies)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), fc.integer({ min: 1, max: 10_000_000_000 }), nowMs, options, (a, b, now, opts) => {
        const [shorter, longer] = a <= b ? [a, b] : [b, a];
        const cooldown = (thousandths: number) => cooldownFromHeaders({ 'retry-after': (thousandths / 1000).toFixed(3) }, now, opts);
        expect(cooldown(longer)).toBeGreaterThanOrEqual(cooldown(shorter));
      }),
      RUNS,
    );
  });

  it('a positive retry-after-ms wins over any Retry-After', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), headerValue, nowMs, options, (ms, other, now, opts) => {
        expect(cooldownFromHeaders({ 'retry-after-ms': String(ms), 'retry-after': other }, now, opts)).toBe(Math.min(ms, opts.maxCooldownMs));
      }),
      RUNS,
    );
  });
});
