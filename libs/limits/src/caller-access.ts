import type { LimitSubject } from './limit-set';
import type { LeveledModelPolicy } from './model-policy';

/**
 * What one caller may do, resolved per request from the configuration and the identity directory's in-memory view
 * (no I/O): the counters its requests are held against and the model policies they must pass.
 */
export interface CallerAccess {
  userId: string;
  /** The database-issued gateway token's id; absent for a config-file token. */
  tokenId?: string;
  /** The teams this request counts against: the token's team if it has one, else every team of the user. */
  teamIds: readonly string[];
  /** Every subject with at least one limit: user (own limits, else `limits.default`), each team, the token. */
  limitSubjects: readonly LimitSubject[];
  /** Every level that has a policy; the request must pass all of them. */
  modelPolicies: readonly LeveledModelPolicy[];
}
