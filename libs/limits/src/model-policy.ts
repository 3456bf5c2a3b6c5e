/**
 * Which models a level may use: patterns match `provider/model` or `model`, `*` matches any run of characters; deny
 * wins; an empty or missing allow list allows every model (docs/limits.md).
 */
export interface ModelPolicy {
  allow?: string[];
  deny?: string[];
}

export type ModelPolicyLevel = 'deployment' | 'team' | 'user' | 'token';

export interface LeveledModelPolicy {
  level: ModelPolicyLevel;
  /** Team, user or token id; absent for the deployment level. */
  id?: string;
  policy: ModelPolicy;
}
