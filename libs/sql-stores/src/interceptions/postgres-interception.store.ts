import type {
  ActivityBucket,
  ActivityQuery,
  InterceptionDetail,
  InterceptionFilter,
  InterceptionPage,
  InterceptionStatus,
  InterceptionStore,
  InterceptionSummary,
  PoolKeyUse,
  TokenUsageRecord,
} from '@tollgate/usage';
import { interceptionStatus } from '@tollgate/usage';
import type { SqlQuery } from '@tollgate/platform';
import { decodeCursor, encodeCursor } from '../identity/page-cursor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Fixed SQL per status, chosen from this table, never text from the request. */
const STATUS_CONDITIONS: Readonly<Record<InterceptionStatus, string>> = {
  ok: 'i.ended_at IS NOT NULL AND i.error_type IS NULL',
  error: 'i.error_type IS NOT NULL',
  in_flight: 'i.ended_at IS NULL AND i.error_type IS NULL',
};

const SUMMARY_COLUMNS = `i.id, i.initiator_id, i.provider, i.provider_name, i.model, i.requested_model, i.streaming, i.client, i.credential_kind,
       i.credential_source, i.credential_hint, i.started_at, i.ended_at, i.error_type, i.error_message,
       i.cost_micros::text AS cost_micros,
       floor(extract(epoch FROM i.started_at) * 1000000)::bigint::text AS started_us`;

/** Token counts of one interception, through token_usages' interception index. */
const TOKEN_TOTALS = `LEFT JOIN LATERAL (
  SELECT coalesce(sum(t.input_tokens), 0)::text AS input_tokens, coalesce(sum(t.output_tokens), 0)::text AS output_tokens,
         coalesce(sum(t.cache_read_input_tokens), 0)::text AS cache_read_tokens,
         coalesce(sum(t.cache_write_input_tokens), 0)::text AS cache_write_tokens
    FROM token_usages AS t WHERE t.interception_id = page.id
) AS tokens ON true`;

interface SummaryRecord {
  id: string;
  initiator_id: string;
  provider: string;
  provider_name: string;
  model: string;
  requested_model: string | null;
  streaming: boolean;
  client: string;
  credential_kind: 'centralized' | 'byok';
  credential_source: 'request' | 'stored' | 'pool';
  credential_hint: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  error_type: string | null;
  error_message: string | null;
  cost_micros: string;
  started_us: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
}

interface DetailRecord extends SummaryRecord {
  user_agent: string;
  metadata: Record<string, unknown> | string;
  price_version: string | null;
}

interface TokenUsageRow {
  provider_response_id: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_input_tokens: string;
  cache_write_input_tokens: string;
  extra: Record<string, number> | string;
  cost_micros: string;
  priced: boolean;
  created_at: Date | string;
}

interface ActivityRecord {
  start: Date | string;
  interceptions: string;
  errors: string;
  cost_micros: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
}

const CURSOR_FIELDS = { startedUs: /^\d{1,20}$/, id: UUID };

/**
 * The recorded interceptions for operators, in SQL. Lists are keyset-paginated newest first over
 * (started_at, id), read through the started_at index (or the initiator's); token counts are summed per listed
 * interception only.
 */
export class PostgresInterceptionStore implements InterceptionStore {
  constructor(private readonly sql: SqlQuery) {}

  async list(filter: InterceptionFilter): Promise<InterceptionPage> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const bind = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (filter.initiatorId !== undefined) conditions.push(`i.initiator_id = ${bind(filter.initiatorId)}`);
    if (filter.providerName !== undefined) conditions.push(`i.provider_name = ${bind(filter.providerName)}`);
    if (filter.model !== undefined) conditions.push(`i.model = ${bind(filter.model)}`);
    if (filter.status !== undefined) conditions.push(STATUS_CONDITIONS[filter.status]);
    if (filter.from !== undefined) conditions.push(`i.started_at >= ${bind(filter.from.toISOString())}`);
    if (filter.to !== undefined) conditions.push(`i.started_at < ${bind(filter.to.toISOString())}`);
    if (filter.after !== undefined) {
      const position = decodeCursor(filter.after, CURSOR_FIELDS);
      conditions.push(
        `(i.started_at, i.id) < (timestamptz 'epoch' + ${bind(position.startedUs)}::bigint * interval '1 microsecond', ${bind(position.id)}::uuid)`,
      );
    }
    const limit = bind(filter.limit + 1);
    const records = await this.sql.query<SummaryRecord>(
      `WITH page AS (
  SELECT ${SUMMARY_COLUMNS}
    FROM interceptions AS i
   ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
   ORDER BY i.started_at DESC, i.id DESC
   LIMIT ${limit}
)
SELECT page.*, tokens.* FROM page ${TOKEN_TOTALS}
 ORDER BY page.started_at DESC, page.id DESC`,
      parameters,
    );
    const items = records.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      items: items.map(toSummary),
      ...(records.length > filter.limit && last ? { next: encodeCursor({ startedUs: last.started_us, id: last.id }) } : {}),
    };
  }

  async find(id: string): Promise<InterceptionDetail | undefined> {
    if (!UUID.test(id)) return undefined;
    const [record] = await this.sql.query<DetailRecord>(
      `WITH page AS (
  SELECT ${SUMMARY_COLUMNS}, i.user_agent, i.metadata, i.price_version FROM interceptions AS i WHERE i.id = $1
)
SELECT page.*, tokens.* FROM page ${TOKEN_TOTALS}`,
      [id],
    );
    if (!record) return undefined;
    const usages = await this.sql.query<TokenUsageRow>(
      `SELECT provider_response_id, input_tokens::text, output_tokens::text, cache_read_input_tokens::text,
              cache_write_input_tokens::text, extra, cost_micros::text, priced, created_at
         FROM token_usages WHERE interception_id = $1 ORDER BY created_at, provider_response_id`,
      [id],
    );
    return {
      ...toSummary(record),
      userAgent: record.user_agent,
      metadata: json(record.metadata),
      priceVersion: record.price_version,
      tokenUsages: usages.map(toTokenUsage),
    };
  }

  /** Buckets aligned on `from` (date_bin); the interceptions by the started_at index, their tokens by a join. */
  async activity(query: ActivityQuery): Promise<ActivityBucket[]> {
    const records = await this.sql.query<ActivityRecord>(
      `WITH i AS (
  SELECT i.id, date_bin(make_interval(secs => $3::double precision), i.started_at, $1::timestamptz) AS start,
         i.cost_micros, i.error_type
    FROM interceptions AS i
   WHERE i.started_at >= $1 AND i.started_at < $2
), counts AS (
  SELECT start, count(*) AS interceptions, count(*) FILTER (WHERE error_type IS NOT NULL) AS errors, sum(cost_micros) AS cost_micros
    FROM i GROUP BY start
), tokens AS (
  SELECT i.start, sum(t.input_tokens) AS input_tokens, sum(t.output_tokens) AS output_tokens,
         sum(t.cache_read_input_tokens) AS cache_read_tokens, sum(t.cache_write_input_tokens) AS cache_write_tokens
    FROM i JOIN token_usages AS t ON t.interception_id = i.id
   GROUP BY i.start
)
SELECT c.start, c.interceptions::text, c.errors::text, c.cost_micros::text,
       coalesce(t.input_tokens, 0)::text AS input_tokens, coalesce(t.output_tokens, 0)::text AS output_tokens,
       coalesce(t.cache_read_tokens, 0)::text AS cache_read_tokens, coalesce(t.cache_write_tokens, 0)::text AS cache_write_tokens
  FROM counts AS c LEFT JOIN tokens AS t ON t.start = c.start
 ORDER BY c.start`,
      [query.from.toISOString(), query.to.toISOString(), query.bucketSeconds],
    );
    return records.map((record) => ({
      start: new Date(record.start),
      interceptions: Number(record.interceptions),
      errors: Number(record.errors),
      inputTokens: Number(record.input_tokens),
      outputTokens: Number(record.output_tokens),
      cacheReadTokens: Number(record.cache_read_tokens),
      cacheWriteTokens: Number(record.cache_write_tokens),
      costMicros: Number(record.cost_micros),
    }));
  }

  /** One backward scan of the partial (provider_name, credential_hint, started_at) index per key. */
  async poolKeyUses(keys: ReadonlyArray<{ providerName: string; hint: string }>): Promise<PoolKeyUse[]> {
    if (keys.length === 0) return [];
    const records = await this.sql.query<{ provider_name: string; hint: string; last_used_at: Date | string }>(
      `SELECT k.provider_name, k.hint, used.last_used_at
         FROM jsonb_to_recordset($1::jsonb) AS k(provider_name text, hint text)
        CROSS JOIN LATERAL (
          SELECT max(i.started_at) AS last_used_at FROM interceptions AS i
           WHERE i.provider_name = k.provider_name AND i.credential_hint = k.hint AND i.credential_kind = 'centralized'
        ) AS used
        WHERE used.last_used_at IS NOT NULL`,
      [JSON.stringify(keys.map((key) => ({ provider_name: key.providerName, hint: key.hint })))],
    );
    return records.map((record) => ({ providerName: record.provider_name, hint: record.hint, lastUsedAt: new Date(record.last_used_at) }));
  }
}

function toSummary(record: SummaryRecord): InterceptionSummary {
  const endedAt = record.ended_at === null ? null : new Date(record.ended_at);
  return {
    id: record.id,
    initiatorId: record.initiator_id,
    provider: record.provider,
    providerName: record.provider_name,
    model: record.model,
    requestedModel: record.requested_model,
    streaming: record.streaming,
    client: record.client,
    credentialKind: record.credential_kind,
    credentialSource: record.credential_source,
    credentialHint: record.credential_hint,
    startedAt: new Date(record.started_at),
    endedAt,
    status: interceptionStatus(endedAt, record.error_type),
    errorType: record.error_type,
    errorMessage: record.error_message,
    inputTokens: Number(record.input_tokens),
    outputTokens: Number(record.output_tokens),
    cacheReadTokens: Number(record.cache_read_tokens),
    cacheWriteTokens: Number(record.cache_write_tokens),
    costMicros: Number(record.cost_micros),
  };
}

function toTokenUsage(row: TokenUsageRow): TokenUsageRecord {
  return {
    providerResponseId: row.provider_response_id,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheReadTokens: Number(row.cache_read_input_tokens),
    cacheWriteTokens: Number(row.cache_write_input_tokens),
    extra: json(row.extra),
    costMicros: Number(row.cost_micros),
    priced: row.priced,
    createdAt: new Date(row.created_at),
  };
}

/** jsonb arrives parsed from pg and as text from some drivers. */
function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}
