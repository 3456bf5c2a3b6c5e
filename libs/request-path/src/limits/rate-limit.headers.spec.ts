import { formatDuration, formatInstant, isRateLimitHeader, rateLimitHeaders } from './rate-limit.headers';

const NOW = Date.parse('2026-12-03T08:00:00Z');

describe('rate-limit headers', () => {
  it('writes OpenAI durations in Go notation, whole seconds rounded up', () => {
    expect([0, 250, 999, 1000, 1001, 59_000, 360_000, 90_500, 3_723_000].map(formatDuration)).toEqual([
      '0s',
      '250ms',
      '999ms',
      '1s',
      '2s',
      '59s',
      '6m0s',
      '1m31s',
      '1h2m3s',
    ]);
  });

  it('writes Anthropic resets as RFC 3339 times to the second, rounded up', () => {
    expect(formatInstant(NOW)).toBe('2026-12-03T08:00:00Z');
    expect(formatInstant(NOW + 1)).toBe('2026-12-03T08:00:01Z');
  });

  it('describes the request and token limits in the OpenAI names', () => {
    const status = { request: { limit: 60, remaining: 59, resetMs: 1000 }, token: { limit: 10_000, remaining: 0, resetMs: 360_000 } };
    expect(rateLimitHeaders('openai', status, NOW)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6m0s',
    });
  });

  it('describes only the kinds that are limited, in the Anthropic names', () => {
    expect(rateLimitHeaders('anthropic', { token: { limit: 500, remaining: 250, resetMs: 30_000 } }, NOW)).toEqual({
      'anthropic-ratelimit-tokens-limit': '500',
      'anthropic-ratelimit-tokens-remaining': '250',
      'anthropic-ratelimit-tokens-reset': '2026-12-03T08:00:30Z',
    });
    expect(rateLimitHeaders('anthropic', {}, NOW)).toEqual({});
  });

  it('recognises both providers’ rate-limit header families', () => {
    expect(['x-ratelimit-limit-requests', 'anthropic-ratelimit-input-tokens-limit', 'retry-after', 'x-request-id'].map(isRateLimitHeader)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
