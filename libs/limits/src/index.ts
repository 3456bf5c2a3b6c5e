export type { LimitKind, LimitScope, LimitSet, LimitSubject } from './limit-set';
export type { LeveledModelPolicy, ModelPolicy, ModelPolicyLevel } from './model-policy';
export type { CallerAccess } from './caller-access';
export { resolveCallerAccess, type CallerAccessInputs } from './caller-access.resolver';
export type { KindStatus, LimitAdmission, LimitClaim, LimitHold, LimitReading, LimitRefusal, LimitStatus, RateLimiter } from './rate-limiter';
export { MemoryRateLimiter } from './memory-rate-limiter';
export { DEFAULT_LEASE_MS, RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter';
export { policyAllows, refusingPolicy } from './model-policy.matcher';
