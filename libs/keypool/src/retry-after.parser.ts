export type HeaderBag = Record<string, string | string[] | undefined>;

export interface CooldownOptions {
  defaultCooldownMs: number;
  maxCooldownMs: number;
}

const DELTA_SECONDS = /^\d+(\.\d+)?$/;

/**
 * How long a rate-limited key should rest: `retry-after-ms` (> 0), else `Retry-After` as delta-seconds (> 0) or a
 * future HTTP-date, else the default; always clamped to the maximum.
 */
export function cooldownFromHeaders(headers: HeaderBag, nowMs: number, opts: CooldownOptions): number {
  const cooldownMs = retryAfterMs(headers) ?? retryAfter(headers, nowMs) ?? opts.defaultCooldownMs;
  return Math.min(Math.ceil(cooldownMs), opts.maxCooldownMs);
}

/**
 * The cooldown of a rate-limited key: `bodyRetryAfterMs` when the answer's body asked for one (Gemini's
 * `RetryInfo.retryDelay`; > 0), else as `cooldownFromHeaders`; always clamped to the maximum.
 */
export function rateLimitCooldown(headers: HeaderBag, nowMs: number, opts: CooldownOptions, bodyRetryAfterMs?: number): number {
  if (bodyRetryAfterMs !== undefined && bodyRetryAfterMs > 0) return Math.min(Math.ceil(bodyRetryAfterMs), opts.maxCooldownMs);
  return cooldownFromHeaders(headers, nowMs, opts);
}

function retryAfterMs(headers: HeaderBag): number | undefined {
  const value = headerValue(headers, 'retry-after-ms');
  if (value === undefined || !DELTA_SECONDS.test(value)) return undefined;
  const ms = Number(value);
  return ms > 0 ? ms : undefined;
}

function retryAfter(headers: HeaderBag, nowMs: number): number | undefined {
  const value = headerValue(headers, 'retry-after');
  if (value === undefined || value === '') return undefined;
  if (DELTA_SECONDS.test(value)) {
    const seconds = Number(value);
    return seconds > 0 ? seconds * 1000 : undefined;
  }
  // Anything else that looks numeric (negative, exponent…) is not an HTTP-date either.
  if (/^[-+\d.eE]+$/.test(value)) return undefined;
  const dateMs = Date.parse(value);
  return Number.isFinite(dateMs) && dateMs > nowMs ? dateMs - nowMs : undefined;
}

/** First value of a header, looked up case-insensitively (Node lowercases, callers may not). */
function headerValue(headers: HeaderBag, name: string): string | undefined {
  for (const [key, raw] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || raw === undefined) continue;
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value?.trim();
  }
  return undefined;
}
