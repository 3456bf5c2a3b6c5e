import { FakeClock } from '@tollgate/testing';
import { fingerprintKey } from './fingerprint';
import { KeyPool, type KeyPoolObserver, type KeyPoolOptions } from './key-pool';
import type { KeyReason, KeyStateStore } from './key-state';
import { MemoryKeyStateStore } from './memory-key-state.store';
import { MODEL_DENIED_COOLDOWN_MS } from './model-scope';

const KEYS = ['k0-long-key', 'k1-long-key', 'k2-long-key'];
const SECRET = 'test-fingerprint-secret';

class RecordingObserver implements KeyPoolObserver {
  transitions: Array<[string, KeyReason]> = [];
  exhaustions: Array<[string, string]> = [];
  transition(provider: string, reason: KeyReason): void {
    this.transitions.push([provider, reason]);
  }
  exhaustion(provider: string, outcome: string): void {
    this.exhaustions.push([provider, outcome]);
  }
}

function setup(options: Partial<KeyPoolOptions> = {}, keys = KEYS, store: KeyStateStore = new MemoryKeyStateStore()) {
  const clock = new FakeClock();
  const observer = new RecordingObserver();
  const pool = new KeyPool({
    provider: 'openai',
    keys,
    options: {
      strategy: 'ordered',
      authFailure: 'disable',
      authCooldownMs: 60_000,
      defaultCooldownMs: 60_000,
      maxCooldownMs: 3_600_000,
      ...options,
    },
    store,
    clock,
    fingerprintSecret: SECRET,
    observer,
  });
  return { pool, clock, observer, store };
}

/** Walks the pool answering each key with the given statuses in turn; returns the positions handed out. */
function walk(pool: KeyPool, statuses: number[], headers: Record<string, string> = {}): number[] {
  const walker = pool.startWalk();
  const positions: number[] = [];
  for (const status of statuses) {
    const key = walker.next();
    if (!key) break;
    positions.push(key.position);
    if (walker.report(status, headers) === 'final') break;
  }
  return positions;
}

describe('KeyPool walker', () => {
  it('hands out keys in configuration order with their hints', () => {
    const { pool } = setup();
    const walker = pool.startWalk();
    expect(walker.lastHint).toBe('');
    expect(walker.handedOut).toBe(0);
    expect(walker.next()).toEqual({ key: 'k0-long-key', position: 0, hint: 'k0...ey' });
    expect(walker.report(200, {})).toBe('final');
    expect(walker.lastHint).toBe('k0...ey');
    expect(walker.handedOut).toBe(1);
  });

  it("429 cools the key for the cooldown its body asked for (Gemini's RetryInfo), over its headers, clamped", () => {
    const { pool, clock } = setup();
    const at = (ms: number) => new Date(clock.now() + ms).toISOString();
    const walker = pool.startWalk();
    walker.next();
    expect(walker.report(429, { 'retry-after': '30' }, false, 1500)).toBe('failover');
    expect(pool.list()[0]).toMatchObject({ state: 'cooling', reason: 'rate_limited', until: at(1500) });
    walker.next();
    walker.report(429, {}, false, 10 * 3_600_000);
    expect(pool.list()[1].until).toBe(at(3_600_000));
    walker.next();
    walker.report(429, { 'retry-after': '30' }, false, 0);
    expect(pool.list()[2].until).toBe(at(30_000));
  });

  it('429 cools the key for the Retry-After and fails over to the next key', () => {
    const { pool, clock, observer } = setup();
    const walker = pool.startWalk();
    walker.next();
    expect(walker.report(429, { 'retry-after': '30' })).toBe('failover');
    expect(walker.lastTransition).toEqual({ state: 'cooling', reason: 'rate_limited' });
    expect(walker.next()?.position).toBe(1);
    expect(walker.lastHint).toBe('k1...ey');
    expect(walker.handedOut).toBe(2);
    expect(pool.list()[0]).toEqual({
      position: 0,
      hint: 'k0...ey',
      state: 'cooling',
      reason: 'rate_limited',
      until: new Date(clock.now() + 30_000).toISOString(),
    });
    expect(observer.transitions).toEqual([['openai', 'rate_limited']]);
  });

  it('401 disables the key (unauthorized) and 403 disables it (forbidden), both failing over', () => {
    const { pool } = setup();
    expect(walk(pool, [401, 403, 200])).toEqual([0, 1, 2]);
    expect(pool.list().map((key) => [key.state, key.reason])).toEqual([
      ['disabled', 'unauthorized'],
      ['disabled', 'forbidden'],
      ['valid', undefined],
    ]);
    expect(pool.list()[0].until).toBeUndefined();
  });

  it('a 403 denying the model skips the key for that model only, for MODEL_DENIED_COOLDOWN_MS; a key-level 403 still disables it', () => {
    const { pool, clock, observer } = setup();
    const walker = pool.startWalk('gpt-restricted');
    expect(walker.forbiddenFailsOver).toBe(true);
    walker.next();
    expect(walker.report(403, {}, true)).toBe('failover');
    expect(walker.lastTransition).toEqual({ state: 'cooling', reason: 'model_denied' });
    expect(walker.next()?.position).toBe(1);
    // The key itself stays valid: other models still get it first.
    expect(pool.counts()).toEqual({ valid: 3, cooling: 0, disabled: 0 });
    expect(pool.startWalk('gpt-other').next()?.position).toBe(0);
    expect(pool.startWalk().next()?.position).toBe(0);
    expect(pool.startWalk('gpt-restricted').next()?.position).toBe(1);
    expect(observer.transitions).toEqual([['openai', 'model_denied']]);
    // Bounded: it heals.
    clock.advance(MODEL_DENIED_COOLDOWN_MS);
    expect(pool.startWalk('gpt-restricted').next()?.position).toBe(0);
    // Without a model to scope it to, or when the body said nothing about the model: the key is disabled.
    const unscoped = pool.startWalk();
    unscoped.next();
    expect(unscoped.report(403, {}, true)).toBe('failover');
    expect(pool.list()[0]).toMatchObject({ state: 'disabled', reason: 'forbidden' });
  });

  it('every key denied the model: exhaustion says model_denied (not auth_failed), and other models are unaffected', () => {
    const { pool, observer } = setup();
    const walker = pool.startWalk('claude-opus');
    for (let position = 0; position < KEYS.length; position++) {
      expect(walker.next()?.position).toBe(position);
      expect(walker.report(403, {}, true)).toBe('failover');
    }
    expect(walker.next()).toBeUndefined();
    expect(walker.exhausted()).toEqual({
      outcome: 'model_denied',
      model: 'claude-opus',
      message: 'the model "claude-opus" is not available through this gateway: the provider denied every configured key access to it',
    });
    expect(observer.exhaustions).toEqual([['openai', 'model_denied']]);
    expect(pool.startWalk('claude-opus').next()).toBeUndefined();
    expect(pool.startWalk('claude-haiku').next()?.position).toBe(0);
  });

  it('a key rate-limited while the others are denied the model: 429 (waiting helps), not model_denied', () => {
    const { pool } = setup();
    const walker = pool.startWalk('m');
    walker.next();
    walker.report(429, { 'retry-after': '5' });
    walker.next();
    walker.report(403, {}, true);
    walker.next();
    walker.report(403, {}, true);
    expect(walker.exhausted()).toMatchObject({ outcome: 'rate_limited', retryAfterSeconds: 5 });
  });

  it('with authFailure: cooldown a 403 is the answer even when it denies the model', () => {
    const { pool } = setup({ authFailure: 'cooldown' });
    const walker = pool.startWalk('m');
    expect(walker.forbiddenFailsOver).toBe(false);
    walker.next();
    expect(walker.report(403, {}, true)).toBe('final');
    expect(pool.startWalk('m').next()?.position).toBe(0);
  });

  it.each([400, 404, 408, 409, 500, 503, 529])('%d is final and leaves the key alone', (status) => {
    const { pool, observer } = setup();
    const walker = pool.startWalk();
    walker.next();
    expect(walker.report(status, { 'retry-after': '30' })).toBe('final');
    expect(walker.lastTransition).toBeUndefined();
    expect(pool.counts()).toEqual({ valid: 3, cooling: 0, disabled: 0 });
    expect(observer.transitions).toEqual([]);
  });

  it('skips keys that are not valid when it looks, and never revisits a key', () => {
    const { pool } = setup();
    walk(pool, [401]); // key 0 disabled
    const walker = pool.startWalk();
    expect(walker.next()?.position).toBe(1);
    expect(walker.report(500, {})).toBe('final');
    // Still moving forward: key 1 is valid but was already handed out by this walker.
    expect(walker.next()?.position).toBe(2);
    expect(walker.next()).toBeUndefined();
    expect(walker.handedOut).toBe(2);
  });

  it('a later walker starts again at the first valid key', () => {
    const { pool } = setup();
    expect(walk(pool, [429, 200])).toEqual([0, 1]);
    expect(walk(pool, [200])).toEqual([1]);
  });

  it('authFailure=cooldown: 401 cools the key for authCooldownMs, 403 is final', () => {
    const { pool, clock } = setup({ authFailure: 'cooldown', authCooldownMs: 45_000 });
    const walker = pool.startWalk();
    walker.next();
    expect(walker.report(401, { 'retry-after': '5' })).toBe('failover');
    expect(walker.lastTransition).toEqual({ state: 'cooling', reason: 'unauthorized' });
    expect(pool.list()[0]).toMatchObject({ state: 'cooling', reason: 'unauthorized', until: new Date(clock.now() + 45_000).toISOString() });
    walker.next();
    expect(walker.report(403, {})).toBe('final');
    expect(pool.list()[1].state).toBe('valid');
    clock.advance(45_000);
    expect(pool.list()[0].state).toBe('valid');
  });

  it('all keys rate-limited: rate_limited with the ceil of the smallest remaining cooldown', () => {
    const { pool, clock, observer } = setup();
    const walker = pool.startWalk();
    const cooldowns = ['30', '10.2', '20'];
    for (const seconds of cooldowns) {
      walker.next();
      expect(walker.report(429, { 'retry-after': seconds })).toBe('failover');
    }
    expect(walker.next()).toBeUndefined();
    clock.advance(1_000);
    expect(walker.exhausted()).toEqual({
      outcome: 'rate_limited',
      retryAfterSeconds: 10, // 9.2 s left, rounded up
      message: 'all configured keys are rate-limited (retry after 10s)',
    });
    expect(observer.exhaustions).toEqual([['openai', 'rate_limited']]);
    expect(walker.exhausted().outcome).toBe('rate_limited');
    expect(observer.exhaustions).toHaveLength(1);
  });

  it('all keys disabled: auth_failed', () => {
    const { pool, observer } = setup();
    expect(walk(pool, [401, 403, 401])).toEqual([0, 1, 2]);
    const walker = pool.startWalk();
    expect(walker.next()).toBeUndefined();
    expect(walker.handedOut).toBe(0);
    expect(walker.exhausted()).toEqual({ outcome: 'auth_failed', message: 'all configured keys failed authentication' });
    expect(observer.exhaustions).toEqual([['openai', 'auth_failed']]);
  });

  it('mixed disabled and cooling: rate_limited, timed by the cooling key', () => {
    const { pool } = setup();
    walk(pool, [401, 429, 401], { 'retry-after-ms': '2500' });
    const walker = pool.startWalk();
    expect(walker.next()).toBeUndefined();
    expect(walker.exhausted()).toMatchObject({ outcome: 'rate_limited', retryAfterSeconds: 3 });
  });

  it('a cooldown that ran out meanwhile gives retryAfterSeconds 0', () => {
    const { pool, clock } = setup({}, ['only-one-key']);
    const walker = pool.startWalk();
    walker.next();
    walker.report(429, { 'retry-after': '1' });
    expect(walker.next()).toBeUndefined();
    clock.advance(1_000);
    expect(walker.exhausted()).toMatchObject({ outcome: 'rate_limited', retryAfterSeconds: 0 });
  });

  it('cooldown expiry brings a key back', () => {
    const { pool, clock } = setup();
    walk(pool, [429, 200], { 'retry-after': '5' });
    clock.advance(4_999);
    expect(walk(pool, [200])).toEqual([1]);
    clock.advance(1);
    expect(walk(pool, [200])).toEqual([0]);
    expect(pool.counts()).toEqual({ valid: 3, cooling: 0, disabled: 0 });
  });

  it('counts a transition only when the state really changes', () => {
    const store = new MemoryKeyStateStore();
    const first = setup({}, KEYS, store);
    const second = setup({}, KEYS, store);
    // Four concurrent calls all picked key 0 before any answer came back.
    const walkers = [first.pool.startWalk(), second.pool.startWalk(), first.pool.startWalk(), second.pool.startWalk()];
    for (const walker of walkers) expect(walker.next()?.position).toBe(0);
    const [a, b, c, d] = walkers;

    a.report(429, { 'retry-after': '10' }); // valid → cooling: counted
    b.report(429, { 'retry-after': '20' }); // still cooling, later deadline: not counted
    expect(first.pool.list()[0]).toMatchObject({ state: 'cooling', until: new Date(first.clock.now() + 20_000).toISOString() });
    c.report(401, {}); // cooling → disabled: counted
    d.report(403, {}); // disabled → disabled: not counted
    expect(first.pool.list()[0]).toMatchObject({ state: 'disabled', reason: 'unauthorized' });

    expect(first.observer.transitions).toEqual([
      ['openai', 'rate_limited'],
      ['openai', 'unauthorized'],
    ]);
    expect(second.observer.transitions).toEqual([]);
    // The walker still reports what the answer did to the key, for tracing.
    expect(d.lastTransition).toEqual({ state: 'disabled', reason: 'forbidden' });
  });

  it('round-robin spreads the starting key, moving forward with wrap-around', () => {
    const { pool } = setup({ strategy: 'round-robin' });
    const starts = [0, 1, 2, 3].map(() => pool.startWalk().next()?.position);
    expect(starts).toEqual([0, 1, 2, 0]);
    const walker = pool.startWalk(); // starts at 1
    const order = [walker.next(), walker.next(), walker.next(), walker.next()].map((key) => key?.position);
    expect(order).toEqual([1, 2, 0, undefined]);
  });

  it('round-robin still skips keys that are not valid', () => {
    const { pool } = setup({ strategy: 'round-robin' });
    walk(pool, [401]); // start 0: key 0 disabled
    const walker = pool.startWalk(); // start 1
    expect(walker.next()?.position).toBe(1);
    const next = pool.startWalk(); // start 2
    expect([next.next()?.position, next.next()?.position, next.next()]).toEqual([2, 1, undefined]);
  });

  it('list() never exposes a key; enable() brings a key back and rejects unknown positions', async () => {
    const { pool } = setup();
    walk(pool, [401, 200]);
    expect(JSON.stringify(pool.list())).not.toContain('long-key');
    expect(await pool.enable(0)).toBe(true);
    expect(pool.list()[0]).toEqual({ position: 0, hint: 'k0...ey', state: 'valid' });
    expect(await pool.enable(3)).toBe(false);
    expect(await pool.enable(-1)).toBe(false);
    expect(await pool.enable(0.5)).toBe(false);
  });

  it('stores state under the keyed fingerprint of each key, never the key', () => {
    const store = new MemoryKeyStateStore();
    const read = jest.spyOn(store, 'read');
    const track = jest.spyOn(store, 'track');
    const { pool } = setup({}, KEYS, store);
    expect(track).toHaveBeenCalledWith(KEYS.map((key) => fingerprintKey(key, SECRET)));
    walk(pool, [200]);
    expect(read).toHaveBeenCalledWith(fingerprintKey('k0-long-key', SECRET), expect.any(Number));
    for (const [fingerprint] of read.mock.calls) expect(KEYS.some((key) => fingerprint.includes(key))).toBe(false);
  });
});

describe('fingerprintKey', () => {
  it('is an HMAC-SHA256 that depends on the secret and does not contain the key', () => {
    const fingerprint = fingerprintKey('sk-secret-value', 'one');
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintKey('sk-secret-value', 'one')).toBe(fingerprint);
    expect(fingerprintKey('sk-secret-value', 'two')).not.toBe(fingerprint);
    expect(fingerprintKey('sk-secret-valuf', 'one')).not.toBe(fingerprint);
    // Known vector: HMAC-SHA256(key="key", message="The quick brown fox jumps over the lazy dog").
    expect(fingerprintKey('The quick brown fox jumps over the lazy dog', 'key')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });
});
