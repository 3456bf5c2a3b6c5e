import { randomUUID } from 'node:crypto';
import type { InterceptionEnded, InterceptionStarted } from '@tollgate/recording';
import type { Cost } from '@tollgate/usage';
import { toPostgresJson, toPostgresNullableText, toPostgresText } from './postgres-text';

// The recorder's statements. Each has a fixed text, so it runs as a named prepared statement (parsed and planned once
// per connection, which for the end statement was as costly as running it); values arrive as parallel arrays.

/** Inserts the child rows (token usages, prompt, tool usages) of exactly the interceptions listed by the CTE `parents`. */
function childRows(first: number, parents: string): string {
  const p = (offset: number) => `$${first + offset}`;
  return `token_rows AS (
  INSERT INTO token_usages (id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, extra, created_at, cost_micros, priced)
  SELECT t.* FROM unnest(${p(0)}::uuid[], ${p(1)}::uuid[], ${p(2)}::text[], ${p(3)}::bigint[], ${p(4)}::bigint[], ${p(5)}::bigint[], ${p(6)}::bigint[], ${p(7)}::jsonb[], ${p(8)}::timestamptz[], ${p(9)}::bigint[], ${p(10)}::bool[])
    AS t(id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, extra, created_at, cost_micros, priced)
   WHERE t.interception_id IN (SELECT id FROM ${parents})
), prompt_rows AS (
  INSERT INTO user_prompts (id, interception_id, provider_response_id, prompt, created_at)
  SELECT u.* FROM unnest(${p(11)}::uuid[], ${p(12)}::uuid[], ${p(13)}::text[], ${p(14)}::text[], ${p(15)}::timestamptz[])
    AS u(id, interception_id, provider_response_id, prompt, created_at)
   WHERE u.interception_id IN (SELECT id FROM ${parents})
), tool_rows AS (
  INSERT INTO tool_usages (id, interception_id, provider_response_id, tool, tool_call_id, input, injected, invocation_error, created_at, server)
  SELECT u.* FROM unnest(${p(16)}::uuid[], ${p(17)}::uuid[], ${p(18)}::text[], ${p(19)}::text[], ${p(20)}::text[], ${p(21)}::text[], ${p(22)}::bool[], ${p(23)}::text[], ${p(24)}::timestamptz[], ${p(25)}::text[])
    AS u(id, interception_id, provider_response_id, tool, tool_call_id, input, injected, invocation_error, created_at, server)
   WHERE u.interception_id IN (SELECT id FROM ${parents})
)`;
}

const STARTED_COLUMNS = `id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, credential_source, credential_hint, started_at, metadata`;
const STARTED_ARRAYS = `$1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::jsonb[]`;

/** The started rows, once each (a replay inserts nothing); returns the ids inserted. */
export const INSERT_STARTED = {
  name: 'tollgate_insert_started_v1',
  text: `INSERT INTO interceptions (${STARTED_COLUMNS})
SELECT * FROM unnest(${STARTED_ARRAYS})
ON CONFLICT (id) DO NOTHING RETURNING id`,
};

/**
 * Interceptions whose started and ended events are applied together: one row, already ended, and its children, with
 * no update of the row afterwards. The hint follows the spec's rule (centralized: the ended event's, the last key
 * handed out; BYOK: the started event's). An id already present inserts nothing here: its ended event then takes
 * the END path like any other.
 */
export const INSERT_COMPLETE = {
  name: 'tollgate_insert_complete_v1',
  text: `WITH c AS (
  SELECT * FROM unnest(${STARTED_ARRAYS}, $14::timestamptz[], $15::text[], $16::text[], $17::text[], $18::bigint[])
    AS c(id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, credential_source, started_hint, started_at, metadata, ended_at, ended_hint, error_type, error_message, cost_micros)
), inserted AS (
  INSERT INTO interceptions (${STARTED_COLUMNS}, ended_at, error_type, error_message, cost_micros, price_version)
  SELECT id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, credential_source,
         CASE WHEN credential_kind = 'centralized' THEN ended_hint ELSE started_hint END,
         started_at, metadata, ended_at, error_type, error_message, cost_micros, $19::text
    FROM c
  ON CONFLICT (id) DO NOTHING RETURNING id
), ${childRows(20, 'inserted')}
SELECT id FROM inserted`,
};

/** Provider instance and model of started rows: what prices an ended event whose started event came earlier. */
export const SELECT_PRICED_PARENTS = {
  name: 'tollgate_select_priced_parents_v1',
  text: 'SELECT id, provider_name, model FROM interceptions WHERE id = ANY($1::uuid[])',
};

/**
 * The end of interceptions whose started row exists, in one statement: the spec's SQL rule for the end (centralized
 * credentials learn their hint at the end; a BYOK hint stays as it started), then the child rows of exactly the
 * interceptions this statement ended, so a replayed event adds nothing. Rows are locked in id order first, as in
 * every batch, so concurrent workers cannot deadlock.
 */
export const END_INTERCEPTIONS = {
  name: 'tollgate_end_interceptions_v1',
  text: `WITH e AS (
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bigint[])
    AS e(id, ended_at, hint, error_type, error_message, cost_micros)
), ended AS (
  UPDATE interceptions AS i
     SET ended_at = e.ended_at,
         credential_hint = CASE WHEN i.credential_kind = 'centralized' THEN e.hint ELSE i.credential_hint END,
         error_type = e.error_type, error_message = e.error_message,
         cost_micros = e.cost_micros, price_version = $7::text
    FROM e
   WHERE i.id = e.id AND i.ended_at IS NULL
  RETURNING i.id
), ${childRows(8, 'ended')}
SELECT id FROM ended`,
};

/** An ended event with the costs of its token usages (`costs[i]` prices `event.tokenUsages[i]`). */
export interface PricedEnd {
  event: InterceptionEnded;
  costs: Cost[];
}

/** Events from producers older than `credentialSource` had only request keys for BYOK. */
function credentialSource(event: InterceptionStarted): NonNullable<InterceptionStarted['credentialSource']> {
  return event.credentialSource ?? (event.credentialKind === 'byok' ? 'request' : 'pool');
}

/** $1–$13: the started rows. */
export function startedParameters(started: readonly InterceptionStarted[]): unknown[] {
  return [
    started.map((event) => event.interceptionId),
    started.map((event) => toPostgresText(event.initiatorId)),
    started.map((event) => event.providerType),
    started.map((event) => toPostgresText(event.providerName)),
    started.map((event) => toPostgresText(event.model)),
    started.map((event) => event.streaming),
    started.map((event) => toPostgresText(event.client)),
    started.map((event) => toPostgresText(event.userAgent)),
    started.map((event) => event.credentialKind),
    started.map(credentialSource),
    started.map((event) => toPostgresText(event.credentialHint)),
    started.map((event) => event.occurredAt),
    started.map((event) => toPostgresJson(event.metadata)),
  ];
}

/** The parameters of INSERT_COMPLETE: `pairs[i]` is one interception's started event and its priced end. */
export function completeParameters(pairs: readonly { started: InterceptionStarted; end: PricedEnd }[], priceVersion: string): unknown[] {
  const ends = pairs.map((pair) => pair.end);
  return [
    ...startedParameters(pairs.map((pair) => pair.started)),
    ends.map(({ event }) => event.endedAt),
    ends.map(({ event }) => toPostgresText(event.credentialHint)),
    ends.map(({ event }) => toPostgresNullableText(event.error?.type)),
    ends.map(({ event }) => toPostgresNullableText(event.error?.message)),
    ends.map(totalCost),
    priceVersion,
    ...childParameters(ends),
  ];
}

/** The parameters of END_INTERCEPTIONS. */
export function endParameters(ends: readonly PricedEnd[], priceVersion: string): unknown[] {
  return [
    ends.map(({ event }) => event.interceptionId),
    ends.map(({ event }) => event.endedAt),
    ends.map(({ event }) => toPostgresText(event.credentialHint)),
    ends.map(({ event }) => toPostgresNullableText(event.error?.type)),
    ends.map(({ event }) => toPostgresNullableText(event.error?.message)),
    ends.map(totalCost),
    priceVersion,
    ...childParameters(ends),
  ];
}

function totalCost({ costs }: PricedEnd): number {
  let total = 0;
  for (const cost of costs) total += cost.costMicros;
  return total;
}

/** The 26 arrays of `childRows`: token rows (11), prompt rows (5), tool rows (10). */
function childParameters(ends: readonly PricedEnd[]): unknown[][] {
  const token: unknown[][] = Array.from({ length: 11 }, () => []);
  const prompt: unknown[][] = Array.from({ length: 5 }, () => []);
  const tool: unknown[][] = Array.from({ length: 10 }, () => []);
  for (const { event, costs } of ends) {
    const id = event.interceptionId;
    event.tokenUsages.forEach((usage, index) => {
      const values = [
        randomUUID(),
        id,
        toPostgresText(usage.providerResponseId),
        usage.inputTokens,
        usage.outputTokens,
        usage.cacheReadInputTokens,
        usage.cacheWriteInputTokens,
        toPostgresJson(usage.extra),
        event.endedAt,
        costs[index].costMicros,
        costs[index].priced,
      ];
      values.forEach((value, column) => token[column].push(value));
    });
    if (event.prompt) {
      const values = [randomUUID(), id, toPostgresText(event.prompt.providerResponseId), toPostgresText(event.prompt.text), event.endedAt];
      values.forEach((value, column) => prompt[column].push(value));
    }
    for (const usage of event.toolUsages) {
      const values = [
        randomUUID(),
        id,
        toPostgresText(usage.providerResponseId),
        toPostgresText(usage.tool),
        toPostgresText(usage.toolCallId),
        toPostgresText(usage.input),
        usage.injected,
        toPostgresNullableText(usage.invocationError),
        event.endedAt,
        toPostgresNullableText(usage.server),
      ];
      values.forEach((value, column) => tool[column].push(value));
    }
  }
  return [...token, ...prompt, ...tool];
}
