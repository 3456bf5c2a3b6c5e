import type { Schemas } from '../api/api-client';

type LimitSet = Schemas['LimitSet'];
type ModelPolicy = Schemas['ModelPolicy'];
import { formatNumber } from './format';

/** `60 requests/min · 4 at once`; `absent` when the set is null or empty. */
export function formatLimitSet(limits: LimitSet | null | undefined, absent: string): string {
  const parts = [
    limits?.requestsPerMinute === undefined ? undefined : `${formatNumber(limits.requestsPerMinute)} requests/min`,
    limits?.tokensPerMinute === undefined ? undefined : `${formatNumber(limits.tokensPerMinute)} tokens/min`,
    limits?.concurrent === undefined ? undefined : `${formatNumber(limits.concurrent)} at once`,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(' · ') : absent;
}

/** `allow gpt-4o*, claude-* · deny *-preview`; `absent` when the policy is null or empty. */
export function formatModelPolicy(policy: ModelPolicy | null | undefined, absent: string): string {
  const parts = [policy?.allow?.length ? `allow ${policy.allow.join(', ')}` : undefined, policy?.deny?.length ? `deny ${policy.deny.join(', ')}` : undefined].filter(
    (part) => part !== undefined,
  );
  return parts.length > 0 ? parts.join(' · ') : absent;
}

export const LIMIT_KIND_LABELS = { request: 'Requests per minute', token: 'Tokens per minute', concurrency: 'Requests at once' } as const;
