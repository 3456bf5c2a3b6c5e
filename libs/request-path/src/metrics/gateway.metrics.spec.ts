import { MemoryKeyStateStore } from '@tollgate/keypool';
import { FakeClock } from '@tollgate/testing';
import { CircuitBreakers } from '../circuit/circuit-breakers';
import { RequestTiming } from '../http/request-timing';
import { GatewayMetrics } from './gateway.metrics';

const MODELS = Array.from({ length: 10_000 }, (_, index) => `client-chosen-model-${index}`);
const USAGE = { providerResponseId: 'resp-1', extra: {}, inputTokens: 3, outputTokens: 2, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };

/** Every `model="…"` label value per metric name in an exposition text. */
function modelValuesByMetric(exposition: string): Map<string, Set<string>> {
  const values = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    const match = /^([a-z_]+)\{[^}]*\bmodel="([^"]*)"/.exec(line);
    if (!match) continue;
    const name = match[1].replace(/_(bucket|sum|count)$/, '');
    if (!values.has(name)) values.set(name, new Set());
    values.get(name)!.add(match[2]);
  }
  return values;
}

describe('GatewayMetrics model labels', () => {
  it('10,000 distinct client-chosen model names keep every metric carrying a model at 100 values plus other', async () => {
    const options = { failureThreshold: 1, windowMs: 10_000, openMs: 30_000, halfOpenTrials: 1 };
    const metrics: GatewayMetrics = new GatewayMetrics(() => [], (): CircuitBreakers => breakers, () => new MemoryKeyStateStore());
    const breakers: CircuitBreakers = new CircuitBreakers(options, new FakeClock(0), metrics.breakerObserver);
    const timing = new RequestTiming();
    for (const model of MODELS) {
      metrics.interceptionCompleted('openai', 'openai-chat', model, timing, [USAGE]);
      const key = { provider: 'openai', route: 'openai-chat', model };
      breakers.report(key, true, false); // trips (threshold 1)
      breakers.admit(key); // rejected while open
      metrics.injectedToolInvoked('openai', model, 'docs', 'search');
    }

    const byMetric = modelValuesByMetric(await metrics.registry.metrics());
    expect([...byMetric.keys()].sort()).toEqual([
      'tollgate_circuit_breaker_rejections_total',
      'tollgate_circuit_breaker_state',
      'tollgate_circuit_breaker_trips_total',
      'tollgate_injected_tool_invocations_total',
      'tollgate_request_duration_seconds',
      'tollgate_time_to_first_byte_seconds',
      'tollgate_tokens_total',
    ]);
    for (const [name, values] of byMetric) {
      expect({ name, bounded: values.size <= 101, other: values.has('other') }).toEqual({ name, bounded: true, other: true });
    }
    // The first 100 names keep their own label everywhere they were counted.
    expect(byMetric.get('tollgate_circuit_breaker_trips_total')!.has('client-chosen-model-99')).toBe(true);
    expect(byMetric.get('tollgate_circuit_breaker_trips_total')!.has('client-chosen-model-100')).toBe(false);
    // The breakers themselves are capped too: the state gauge lists at most the breakers kept.
    expect(breakers.size).toBeLessThanOrEqual(1000);
  });
});
