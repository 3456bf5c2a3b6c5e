/**
 * How fast and how much at once one subject (a user, a team, a gateway token) may use the gateway; every field is
 * optional and a missing field is no limit of that kind (docs/limits.md).
 */
export interface LimitSet {
  /** A token bucket of this capacity, refilled at this many per minute. */
  requestsPerMinute?: number;
  /** The same bucket in tokens (input + output): an estimate is taken before the call and settled with the real count. */
  tokensPerMinute?: number;
  /** Requests in flight at once; a stream counts until it ends. */
  concurrent?: number;
}

export type LimitKind = 'request' | 'token' | 'concurrency';

export type LimitScope = 'user' | 'team' | 'token';

/** One set of counters a request is held against: the caller's own, each of its teams', its token's. */
export interface LimitSubject {
  scope: LimitScope;
  /** User id, team id or gateway token id (never the token itself). */
  id: string;
  limits: LimitSet;
}
