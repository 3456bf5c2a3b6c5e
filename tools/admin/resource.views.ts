import type { PoolKeyView, StoredKeyView, TokenView, UsageRowView, UsageView, UserView } from './gateway-api.types';
import { fields, table } from './output.formatter';

export function userLines(user: UserView): string[] {
  return fields([
    ['id', user.id],
    ['displayName', user.displayName],
    ['byokMode', user.byokMode ?? 'default'],
    ['effectiveByokMode', user.effectiveByokMode],
    ['budget', budgetText(user.budget, 'default')],
    ['effectiveBudget', budgetText(user.effectiveBudget, 'none')],
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
      ['created', (token) => token.createdAt],
      ['revoked', (token) => token.revokedAt],
    ],
    'no tokens',
  );
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

function budgetText(budget: UserView['budget'], absent: string): string {
  return budget ? `$${budget.amountUsd} per ${budget.period}` : absent;
}
