/**
 * Token-bucket arithmetic shared by the memory limiter and the documentation of the Redis script (which does the
 * same in Lua): a bucket of `capacity` refilled at `capacity` per minute, its level stored with the time it was
 * measured. A missing bucket is full. Levels may go negative (a token settle that used more than it reserved).
 */
export const REFILL_WINDOW_MS = 60_000;

export interface BucketLevel {
  level: number;
  /** Epoch ms the level was measured at. */
  at: number;
}

/** The level now, after refilling since it was measured (never above capacity). */
export function levelNow(stored: BucketLevel | undefined, capacity: number, now: number): number {
  if (!stored) return capacity;
  const elapsed = Math.max(0, now - stored.at);
  return Math.min(capacity, stored.level + (elapsed * capacity) / REFILL_WINDOW_MS);
}

/**
 * What a request must find in the bucket to be admitted: its cost, but never more than the capacity (a request
 * estimated above the whole bucket is admitted on a full one and takes it below zero), and at least one.
 */
export function neededLevel(cost: number, capacity: number): number {
  return Math.max(1, Math.min(cost, capacity));
}

/** Milliseconds until the bucket holds `target`, from `level` (0 when it already does). */
export function msUntilLevel(level: number, target: number, capacity: number): number {
  if (level >= target) return 0;
  return Math.ceil(((target - level) * REFILL_WINDOW_MS) / capacity);
}

/** Milliseconds until the bucket is full again (the reset the rate-limit headers describe). */
export function msUntilFull(level: number, capacity: number): number {
  return msUntilLevel(level, capacity, capacity);
}

/** What the headers show as remaining: whole units, never negative. */
export function remainingOf(level: number): number {
  return Math.max(0, Math.floor(level));
}
