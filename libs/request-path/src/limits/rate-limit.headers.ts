import type { ProviderType } from '@tollgate/providers';
import type { KindStatus, LimitStatus } from '@tollgate/limits';

type HeaderWriter = (headers: Record<string, string>, kind: 'requests' | 'tokens', status: KindStatus, nowMs: number) => void;

/**
 * The provider's own rate-limit headers describing the caller's tightest limit of each kind (docs/limits.md):
 * OpenAI `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` with the reset as a duration (`1s`, `6m0s`),
 * Anthropic `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}` with the reset as an RFC 3339 time.
 * Gemini answers no rate-limit headers of its own: its callers get OpenAI's, the most widely read.
 */
export function rateLimitHeaders(providerType: ProviderType, status: LimitStatus, nowMs: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const add = HEADER_WRITERS[providerType];
  if (status.request) add(headers, 'requests', status.request, nowMs);
  if (status.token) add(headers, 'tokens', status.token, nowMs);
  return headers;
}

/** Whether a response header is one of the providers' rate-limit headers (replaced for a limited caller). */
export function isRateLimitHeader(name: string): boolean {
  return name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-');
}

const HEADER_WRITERS: Readonly<Record<ProviderType, HeaderWriter>> = {
  openai: (headers, kind, status) => addOpenAi(headers, kind, status),
  anthropic: addAnthropic,
  gemini: (headers, kind, status) => addOpenAi(headers, kind, status),
};

function addOpenAi(headers: Record<string, string>, kind: 'requests' | 'tokens', status: KindStatus): void {
  headers[`x-ratelimit-limit-${kind}`] = String(status.limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(status.remaining);
  headers[`x-ratelimit-reset-${kind}`] = formatDuration(status.resetMs);
}

function addAnthropic(headers: Record<string, string>, kind: 'requests' | 'tokens', status: KindStatus, nowMs: number): void {
  headers[`anthropic-ratelimit-${kind}-limit`] = String(status.limit);
  headers[`anthropic-ratelimit-${kind}-remaining`] = String(status.remaining);
  headers[`anthropic-ratelimit-${kind}-reset`] = formatInstant(nowMs + status.resetMs);
}

/** A duration as OpenAI writes it (Go's notation): `0s`, `250ms`, `1s`, `6m0s`, `1h2m3s`; whole seconds rounded up. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** An RFC 3339 UTC time to the second (rounded up: the limit is whole again by then), as Anthropic writes it. */
export function formatInstant(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
