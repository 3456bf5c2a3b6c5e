import type { CallerAccess } from './caller-access';
import type { LimitSet, LimitSubject } from './limit-set';
import type { LeveledModelPolicy, ModelPolicy } from './model-policy';

interface LevelSettings {
  /** `null`: none of its own. */
  limits: LimitSet | null;
  models: ModelPolicy | null;
}

/** What is known about a caller, read from the configuration and the identity directory's in-memory view. */
export interface CallerAccessInputs {
  userId: string;
  /** `limits.default`: the user's limits when they have none of their own. */
  deploymentLimits?: LimitSet;
  /** The configuration's `models` policy. */
  deploymentModels?: ModelPolicy;
  /** Absent for a user only named by a config-file token. */
  user?: LevelSettings & { teamIds: readonly string[] };
  /** The teams the user belongs to (at least); a team missing here is counted with no limits or policy. */
  teams?: ReadonlyMap<string, LevelSettings>;
  /** A database-issued token; absent for config-file tokens. */
  token?: LevelSettings & { id: string; teamId: string | null };
}

/**
 * Which counters a caller's request is held against and which model policies it must pass (docs/limits.md): the
 * user's own limits or else the deployment default; each team counted (the token's team only, if it names one);
 * the token's own. Subjects and levels without anything set are left out.
 */
export function resolveCallerAccess(inputs: CallerAccessInputs): CallerAccess {
  const { userId, user, token } = inputs;
  const teamIds = token?.teamId ? [token.teamId] : (user?.teamIds ?? []);
  const teams = teamIds.map((id) => ({ id, settings: inputs.teams?.get(id) }));

  const limitSubjects: LimitSubject[] = [];
  addSubject(limitSubjects, 'user', userId, user?.limits ?? inputs.deploymentLimits ?? null);
  for (const team of teams) addSubject(limitSubjects, 'team', team.id, team.settings?.limits ?? null);
  if (token) addSubject(limitSubjects, 'token', token.id, token.limits);

  const modelPolicies: LeveledModelPolicy[] = [];
  if (hasPolicy(inputs.deploymentModels)) modelPolicies.push({ level: 'deployment', policy: inputs.deploymentModels });
  for (const team of teams) {
    const policy = team.settings?.models;
    if (hasPolicy(policy)) modelPolicies.push({ level: 'team', id: team.id, policy });
  }
  if (hasPolicy(user?.models)) modelPolicies.push({ level: 'user', id: userId, policy: user.models });
  if (token && hasPolicy(token.models)) modelPolicies.push({ level: 'token', id: token.id, policy: token.models });

  return { userId, ...(token ? { tokenId: token.id } : {}), teamIds, limitSubjects, modelPolicies };
}

function addSubject(subjects: LimitSubject[], scope: LimitSubject['scope'], id: string, limits: LimitSet | null): void {
  if (!limits) return;
  if (limits.requestsPerMinute === undefined && limits.tokensPerMinute === undefined && limits.concurrent === undefined) return;
  subjects.push({ scope, id, limits });
}

function hasPolicy(policy: ModelPolicy | null | undefined): policy is ModelPolicy {
  return !!policy && ((policy.allow?.length ?? 0) > 0 || (policy.deny?.length ?? 0) > 0);
}
