import type { ResolvedAddress } from './endpoint.resolver';
import { PinnedDispatcherCache } from './pinned-dispatcher.cache';

const TIMEOUTS = { connectTimeoutMs: 1_000, headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000 };
const A: ResolvedAddress = { address: '93.184.215.14', family: 4 };
const B: ResolvedAddress = { address: '2606:4700::1111', family: 6 };
const openrouter = new URL('https://openrouter.ai/api/v1');
const groq = new URL('https://api.groq.com/openai/v1');
const together = new URL('https://api.together.xyz/v1');

describe('PinnedDispatcherCache', () => {
  let now: number;
  let cache: PinnedDispatcherCache;

  beforeEach(() => {
    now = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    cache = new PinnedDispatcherCache({ maxEntries: 2, idleTtlMs: 60_000, dispatcher: TIMEOUTS });
  });

  afterEach(async () => {
    await cache.close();
    jest.restoreAllMocks();
  });

  it('reuses one agent per origin and address', () => {
    const first = cache.dispatcherFor(openrouter, A);
    expect(cache.dispatcherFor(new URL('https://openrouter.ai/other/path'), A)).toBe(first);
    expect(cache.dispatcherFor(openrouter, B)).not.toBe(first);
    expect(cache.size).toBe(2);
  });

  it('closes the least recently used agent beyond its size', () => {
    const openrouterAgent = cache.dispatcherFor(openrouter, A);
    const groqAgent = cache.dispatcherFor(groq, A);

    cache.dispatcherFor(openrouter, A);
    cache.dispatcherFor(together, A);

    expect(groqAgent.closed).toBe(true);
    expect(openrouterAgent.closed).toBe(false);
    expect(cache.size).toBe(2);
    expect(cache.dispatcherFor(openrouter, A)).toBe(openrouterAgent);
  });

  it('closes an agent left unused for the idle TTL and makes a fresh one', () => {
    const first = cache.dispatcherFor(openrouter, A);

    now = 59_999;
    expect(cache.dispatcherFor(openrouter, A)).toBe(first);
    now = 59_999 + 60_000;
    const fresh = cache.dispatcherFor(openrouter, A);

    expect(fresh).not.toBe(first);
    expect(first.closed).toBe(true);
    expect(fresh.closed).toBe(false);
    expect(cache.size).toBe(1);
  });

  it('needs room for at least one agent', () => {
    expect(() => new PinnedDispatcherCache({ maxEntries: 0, idleTtlMs: 1, dispatcher: TIMEOUTS })).toThrow(RangeError);
  });

  it('closes every agent when closed', async () => {
    const agents = [cache.dispatcherFor(openrouter, A), cache.dispatcherFor(groq, B)];
    await cache.close();
    expect(agents.map((agent) => agent.closed)).toEqual([true, true]);
    expect(cache.size).toBe(0);
  });
});
