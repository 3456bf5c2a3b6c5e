import { Registry } from 'prom-client';
import { FakeClock } from '@tollgate/testing';
import { KeyPool } from './key-pool';
import { registerKeyPoolMetrics } from './key-pool.metrics';
import { MemoryKeyStateStore } from './memory-key-state.store';

const options = {
  strategy: 'ordered',
  authFailure: 'disable',
  authCooldownMs: 60_000,
  defaultCooldownMs: 60_000,
  maxCooldownMs: 3_600_000,
} as const;

describe('registerKeyPoolMetrics', () => {
  it('exposes the four key pool metrics with their labels', async () => {
    const registry = new Registry();
    const pools: KeyPool[] = [];
    const metrics = registerKeyPoolMetrics(registry, () => pools);
    const clock = new FakeClock();
    const store = new MemoryKeyStateStore();
    const make = (provider: string, keys: string[]) =>
      new KeyPool({ provider, keys, options, store, clock, fingerprintSecret: 's', observer: metrics.observer });
    const openai = make('openai', ['o-key-0000', 'o-key-1111', 'o-key-2222']);
    const anthropic = make('anthropic', ['a-key-0000']);
    pools.push(openai, anthropic);

    const walker = openai.startWalk();
    walker.next();
    walker.report(429, { 'retry-after': '30' });
    walker.next();
    walker.report(401, {});
    metrics.observeFailoverAttempts('openai', 3);

    const single = anthropic.startWalk();
    single.next();
    single.report(403, {});
    expect(single.next()).toBeUndefined();
    single.exhausted();
    metrics.observeFailoverAttempts('anthropic', 1);

    const text = await registry.metrics();
    expect(text).toContain('# TYPE tollgate_key_pool_keys gauge');
    expect(text).toContain('tollgate_key_pool_keys{provider="openai",state="valid"} 1');
    expect(text).toContain('tollgate_key_pool_keys{provider="openai",state="cooling"} 1');
    expect(text).toContain('tollgate_key_pool_keys{provider="openai",state="disabled"} 1');
    expect(text).toContain('tollgate_key_pool_keys{provider="anthropic",state="disabled"} 1');
    expect(text).toContain('tollgate_key_pool_keys{provider="anthropic",state="valid"} 0');

    expect(text).toContain('# TYPE tollgate_key_pool_state_transitions_total counter');
    expect(text).toContain('tollgate_key_pool_state_transitions_total{provider="openai",reason="rate_limited"} 1');
    expect(text).toContain('tollgate_key_pool_state_transitions_total{provider="openai",reason="unauthorized"} 1');
    expect(text).toContain('tollgate_key_pool_state_transitions_total{provider="anthropic",reason="forbidden"} 1');

    expect(text).toContain('# TYPE tollgate_key_pool_exhaustions_total counter');
    expect(text).toContain('tollgate_key_pool_exhaustions_total{provider="anthropic",outcome="auth_failed"} 1');

    expect(text).toContain('# TYPE tollgate_key_pool_failover_attempts histogram');
    expect(text).toContain('tollgate_key_pool_failover_attempts_bucket{le="2",provider="openai"} 0');
    expect(text).toContain('tollgate_key_pool_failover_attempts_bucket{le="3",provider="openai"} 1');
    expect(text).toContain('tollgate_key_pool_failover_attempts_bucket{le="25",provider="openai"} 1');
    expect(text).toContain('tollgate_key_pool_failover_attempts_bucket{le="1",provider="anthropic"} 1');
    expect(text).toContain('tollgate_key_pool_failover_attempts_count{provider="anthropic"} 1');

    // The gauge is read at scrape time: a cooldown that ran out shows on the next scrape.
    clock.advance(30_000);
    expect(await registry.metrics()).toContain('tollgate_key_pool_keys{provider="openai",state="valid"} 2');
  });
});
