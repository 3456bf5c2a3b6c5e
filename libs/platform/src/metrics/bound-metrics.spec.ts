import { Counter, Histogram, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram } from './bound-metrics';

describe('bound metrics', () => {
  const BOUNDS = [0.01, 0.1, 1];
  const OBSERVATIONS: [string, string, number][] = [
    ['openai', 'gpt-a', 0.005],
    ['openai', 'gpt-a', 0.01],
    ['openai', 'gpt-a', 0.5],
    ['openai', 'gpt-b', 3],
    ['anthropic', 'claude', 0.05],
  ];

  /** The scrape text's sample lines, sorted (prom-client orders label sets in its own way). */
  const samples = async (registry: Registry) =>
    (await registry.metrics())
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .sort();

  it('scrapes a histogram exactly as prom-client does for the same observations', async () => {
    const ours = new Registry();
    const reference = new Registry();
    const definition = { name: 'test_duration_seconds', help: 'test', labelNames: ['provider', 'model'] as const };
    const bound = new BoundHistogram(ours, definition, BOUNDS);
    const prom = new Histogram({ ...definition, labelNames: [...definition.labelNames], buckets: BOUNDS, registers: [reference] });
    for (const [provider, model, value] of OBSERVATIONS) {
      bound.labels(provider, model).observe(value);
      prom.observe({ provider, model }, value);
    }
    expect(await samples(ours)).toEqual(await samples(reference));
    expect(await samples(ours)).toContain('test_duration_seconds_bucket{le="0.1",provider="openai",model="gpt-a"} 2');
  });

  it('scrapes a counter exactly as prom-client does, and hands out one child per label set', async () => {
    const ours = new Registry();
    const reference = new Registry();
    const definition = { name: 'test_tokens_total', help: 'test', labelNames: ['provider', 'model'] as const };
    const bound = new BoundCounter(ours, definition);
    const prom = new Counter({ ...definition, labelNames: [...definition.labelNames], registers: [reference] });
    for (const [provider, model, value] of OBSERVATIONS) {
      bound.labels(provider, model).inc(value);
      prom.inc({ provider, model }, value);
    }
    bound.labels('openai', 'gpt-a').inc();
    prom.inc({ provider: 'openai', model: 'gpt-a' });
    expect(await samples(ours)).toEqual(await samples(reference));
    expect(bound.labels('openai', 'gpt-b')).toBe(bound.labels('openai', 'gpt-b'));
  });

  it('reports an unlabelled histogram before its first observation, as prom-client does', async () => {
    const ours = new Registry();
    const reference = new Registry();
    const definition = { name: 'test_lag_seconds', help: 'test', labelNames: [] as const };
    new BoundHistogram(ours, definition, BOUNDS);
    new Histogram({ name: definition.name, help: definition.help, buckets: BOUNDS, registers: [reference] });
    expect(await samples(ours)).toEqual(await samples(reference));
  });

  it('refuses a label set of the wrong length', () => {
    const counter = new BoundCounter(new Registry(), { name: 'test_total', help: 'test', labelNames: ['a', 'b'] as const });
    expect(() => counter.labels('only-one')).toThrow('expected 2 label values, got 1');
  });
});
