import type { UsageGroupBy, UsageQuery, UsageRow, UsageStore } from '@tollgate/usage';
import type { SqlQuery } from '@tollgate/platform';

/** The grouping expression per groupBy: fixed SQL chosen from this table, never text from the request. */
const GROUP_KEYS: Readonly<Record<UsageGroupBy, string>> = {
  user: 'i.initiator_id',
  model: 'i.model',
  provider: 'i.provider_name',
  day: `to_char(date_trunc('day', i.started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
};

/**
 * Interceptions started in [from, to) (optionally one initiator's) are read through the started_at or
 * (initiator_id, started_at) index; their token rows are summed per group by a join on token_usages' interception
 * index; the cost is the interception's own total (the sum of its rows' costs, written by the recorder).
 */
function usageSql(groupBy: UsageGroupBy, filters: readonly string[]): string {
  return `WITH i AS (
  SELECT i.id, ${GROUP_KEYS[groupBy]} AS key, i.cost_micros
    FROM interceptions AS i
   WHERE i.started_at >= $1 AND i.started_at < $2${filters.map((filter) => ` AND ${filter}`).join('')}
), counts AS (
  SELECT key, count(*) AS interceptions, sum(cost_micros) AS cost_micros FROM i GROUP BY key
), tokens AS (
  SELECT i.key, sum(t.input_tokens) AS input_tokens, sum(t.output_tokens) AS output_tokens,
         sum(t.cache_read_input_tokens) AS cache_read_tokens, sum(t.cache_write_input_tokens) AS cache_write_tokens
    FROM i JOIN token_usages AS t ON t.interception_id = i.id
   GROUP BY i.key
)
SELECT c.key, c.interceptions::text AS interceptions, c.cost_micros::text AS cost_micros,
       coalesce(t.input_tokens, 0)::text AS input_tokens, coalesce(t.output_tokens, 0)::text AS output_tokens,
       coalesce(t.cache_read_tokens, 0)::text AS cache_read_tokens, coalesce(t.cache_write_tokens, 0)::text AS cache_write_tokens
  FROM counts AS c LEFT JOIN tokens AS t ON t.key = c.key
 ORDER BY c.key`;
}

interface UsageRecord {
  key: string;
  interceptions: string;
  cost_micros: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
}

/** Usage aggregates over the recorded interceptions, in SQL. */
export class PostgresUsageStore implements UsageStore {
  constructor(private readonly sql: SqlQuery) {}

  async usageByGroup(query: UsageQuery): Promise<UsageRow[]> {
    const parameters: unknown[] = [query.from.toISOString(), query.to.toISOString()];
    // Fixed conditions; only their values are parameters.
    const filters: string[] = [];
    if (query.initiatorId !== undefined) filters.push(`i.initiator_id = $${parameters.push(query.initiatorId)}`);
    if (query.credentialKind !== undefined) filters.push(`i.credential_kind = $${parameters.push(query.credentialKind)}`);
    const records = await this.sql.query<UsageRecord>(usageSql(query.groupBy, filters), parameters);
    return records.map((record) => ({
      key: record.key,
      interceptions: Number(record.interceptions),
      inputTokens: Number(record.input_tokens),
      outputTokens: Number(record.output_tokens),
      cacheReadTokens: Number(record.cache_read_tokens),
      cacheWriteTokens: Number(record.cache_write_tokens),
      costMicros: Number(record.cost_micros),
    }));
  }

  /** Read through the (initiator_id, started_at) index, which carries cost_micros; credential_kind filters the rows. */
  async centralizedSpendMicros(userId: string, from: Date, to: Date): Promise<number> {
    const [row] = await this.sql.query<{ spent: string }>(
      `SELECT coalesce(sum(cost_micros), 0)::text AS spent
         FROM interceptions
        WHERE initiator_id = $1 AND started_at >= $2 AND started_at < $3 AND credential_kind = 'centralized'`,
      [userId, from.toISOString(), to.toISOString()],
    );
    return Number(row?.spent ?? 0);
  }
}
