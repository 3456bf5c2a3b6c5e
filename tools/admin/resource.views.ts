import type { BudgetView, LimitSet, ModelPolicy, MyLimitsView, PoolKeyView, StoredKeyView, TeamView, TokenView, UsageRowView, UsageView, UserView } from './gateway-api.types';
import { fields, table } from './output.formatter';

export function userLines(user: UserView): string[] {
  return fields([
    ['id', user.id],
    ['displayName', user.displayName],
    ['byokMode', user.byokMode ?? 'default'],
    ['effectiveByokMode', user.effectiveByokMode],
    ['budget', budgetText(user.budget, 'default')],
    ['effectiveBudget', budgetText(user.effectiveBudget, 'none')],
    ['limits', limitSetText(user.limits, 'default (limits.default)')],
    ['models', modelPolicyText(user.models)],
    ['teams', user.teams.length > 0 ? user.teams.join(', ') : 'none'],
    ['createdAt', user.createdAt],
    ['updatedAt', user.updatedAt],
  ]);
}

export function userTable(users: readonly UserView[]): string[] {
  return table(
    users,
    [
      ['id', (user) => user.id],
      ['name', (user) => user.displayName],
      ['mode', (user) => user.byokMode ?? 'default'],
      ['effective', (user) => user.effectiveByokMode],
      ['created', (user) => user.createdAt],
    ],
    'no users',
  );
}

export function tokenLines(token: TokenView): string[] {
  return fields([
    ['id', token.id],
    ['user', token.user],
    ['name', token.name],
    ['hint', token.hint],
    ['team', token.team ?? 'every team of the user'],
    ['limits', limitSetText(token.limits, 'none of its own')],
    ['models', modelPolicyText(token.models)],
    ['expiresAt', token.expiresAt ?? 'never'],
    ['lastUsedAt', token.lastUsedAt ?? 'never'],
    ['createdAt', token.createdAt],
    ['revokedAt', token.revokedAt],
  ]);
}

export function tokenTable(tokens: readonly TokenView[]): string[] {
  return table(
    tokens,
    [
      ['id', (token) => token.id],
      ['name', (token) => token.name],
      ['hint', (token) => token.hint],
      ['team', (token) => token.team],
      ['expires', (token) => token.expiresAt],
      ['last used', (token) => token.lastUsedAt],
      ['created', (token) => token.createdAt],
      ['revoked', (token) => token.revokedAt],
    ],
    'no tokens',
  );
}

export function teamLines(team: TeamView): string[] {
  return fields([
    ['id', team.id],
    ['name', team.name],
    ['limits', limitSetText(team.limits, 'none')],
    ['budget', budgetText(team.budget, 'none')],
    ['models', modelPolicyText(team.models)],
    ['members', team.members.length > 0 ? team.members.join(', ') : 'none'],
    ['createdAt', team.createdAt],
    ['updatedAt', team.updatedAt],
  ]);
}

export function teamTable(teams: readonly TeamView[]): string[] {
  return table(
    teams,
    [
      ['id', (team) => team.id],
      ['name', (team) => team.name],
      ['members', (team) => team.members.length],
      ['limits', (team) => team.limits && limitSetText(team.limits, '')],
      ['budget', (team) => team.budget && budgetText(team.budget, '')],
      ['models', (team) => team.models && modelPolicyText(team.models)],
    ],
    'no teams',
  );
}

/** One row per limit of the caller's own (user, team, token) with what is left, then the model policies. */
export function myLimitsLines(answer: MyLimitsView): string[] {
  const limits = table(
    answer.items,
    [
      ['scope', (item) => item.scope],
      ['id', (item) => item.id],
      ['kind', (item) => LIMIT_KIND_UNITS[item.kind]],
      ['limit', (item) => item.limit],
      ['remaining', (item) => item.remaining],
      ['resets', (item) => item.resetsAt],
    ],
    'no rate or concurrency limits apply to you',
  );
  const policies =
    answer.models.length === 0
      ? ['models: every configured model']
      : answer.models.map((entry) => `models (${entry.level}${entry.id ? ` ${entry.id}` : ''}): ${modelPolicyText(entry.policy)}`);
  return [...limits, '', ...policies];
}

const LIMIT_KIND_UNITS = { request: 'requests/min', token: 'tokens/min', concurrency: 'concurrent' } as const;

/** `60 requests/min, 4 concurrent`; `absent` for null or an empty set. */
export function limitSetText(limits: LimitSet | null, absent: string): string {
  const parts = [
    limits?.requestsPerMinute === undefined ? undefined : `${limits.requestsPerMinute} requests/min`,
    limits?.tokensPerMinute === undefined ? undefined : `${limits.tokensPerMinute} tokens/min`,
    limits?.concurrent === undefined ? undefined : `${limits.concurrent} concurrent`,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : absent;
}

/** `allow gpt-4o*, claude-*; deny *-preview`; `any` for null or an empty policy. */
export function modelPolicyText(policy: ModelPolicy | null): string {
  const parts = [
    policy?.allow?.length ? `allow ${policy.allow.join(', ')}` : undefined,
    policy?.deny?.length ? `deny ${policy.deny.join(', ')}` : undefined,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join('; ') : 'any';
}

export function storedKeyTable(keys: readonly StoredKeyView[]): string[] {
  return table(
    keys,
    [
      ['provider', (key) => key.provider],
      ['hint', (key) => key.hint],
      ['base url', (key) => key.baseUrl],
      ['updated', (key) => key.updatedAt],
      ['last used', (key) => key.lastUsedAt],
    ],
    'no stored keys',
  );
}

export function poolTable(keys: readonly PoolKeyView[]): string[] {
  return table(
    keys,
    [
      ['position', (key) => key.position],
      ['hint', (key) => key.hint],
      ['state', (key) => key.state],
      ['reason', (key) => key.reason],
      ['until', (key) => key.until],
    ],
    'no keys',
  );
}

/** One row per group and a TOTAL row; cost in USD to six decimals (exact: micro-dollars). */
export function usageTable(usage: UsageView): string[] {
  if (usage.rows.length === 0) return ['no usage in this range'];
  const total: UsageRowView = { key: 'TOTAL', ...usage.totals };
  return table(
    [...usage.rows, total],
    [
      [usage.groupBy, (row) => row.key],
      ['interceptions', (row) => row.interceptions],
      ['input', (row) => row.inputTokens],
      ['output', (row) => row.outputTokens],
      ['cache read', (row) => row.cacheReadTokens],
      ['cache write', (row) => row.cacheWriteTokens],
      ['cost usd', (row) => (row.costMicros / 1_000_000).toFixed(6)],
    ],
    'no usage in this range',
  );
}

function budgetText(budget: BudgetView | null, absent: string): string {
  return budget ? `$${budget.amountUsd} per ${budget.period}` : absent;
}
