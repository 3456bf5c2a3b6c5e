import { randomUUID } from 'node:crypto';
import type { InterceptionEnded, InterceptionStarted } from '@tollgate/recording';
import type { Cost } from '@tollgate/usage';
import { toPostgresJson, toPostgresNullableText, toPostgresText } from './postgres-text';

// The recorder's statements. Each has a fixed text, so it runs as a named prepared statement (parsed and planned once
// per connection, which for the end statement was as costly as running it). Rows arrive as one JSON array per table
// (`json_to_recordset`): a single JSON.stringify, native code, where a parameter per column made the pg driver escape
// every value of every array in JavaScript, which was most of the recorder's own CPU.

const TOKEN_COLUMNS = 'id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, extra, created_at, cost_micros, priced';
const PROMPT_COLUMNS = 'id, interception_id, provider_response_id, prompt, created_at';
const TOOL_COLUMNS = 'id, interception_id, provider_response_id, tool, tool_call_id, input, injected, invocation_error, created_at, server';

/** Inserts the child rows (token usages, prompt, tool usages) of exactly the interceptions listed by the CTE `parents`. */
function childRows(tokens: string, prompts: string, tools: string, parents: string): string {
  return `token_rows AS (
  INSERT INTO token_usages (${TOKEN_COLUMNS})
  SELECT id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, extra::jsonb, created_at, cost_micros, priced
    FROM json_to_recordset(${tokens}::json) AS t(id uuid, interception_id uuid, provider_response_id text, input_tokens bigint, output_tokens bigint,
         cache_read_input_tokens bigint, cache_write_input_tokens bigint, extra text, created_at timestamptz, cost_micros bigint, priced bool)
   WHERE interception_id IN (SELECT id FROM ${parents})
), prompt_rows AS (
  INSERT INTO user_prompts (${PROMPT_COLUMNS})
  SELECT ${PROMPT_COLUMNS}
    FROM json_to_recordset(${prompts}::json) AS p(id uuid, interception_id uuid, provider_response_id text, prompt text, created_at timestamptz)
   WHERE interception_id IN (SELECT id FROM ${parents})
), tool_rows AS (
  INSERT INTO tool_usages (${TOOL_COLUMNS})
  SELECT ${TOOL_COLUMNS}
    FROM json_to_recordset(${tools}::json) AS u(id uuid, interception_id uuid, provider_response_id text, tool text, tool_call_id text, input text,
         injected bool, invocation_error text, created_at timestamptz, server text)
   WHERE interception_id IN (SELECT id FROM ${parents})
)`;
}

const STARTED_COLUMNS = 'id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, credential_source, credential_hint, started_at, metadata, requested_model';
const STARTED_RECORD = `id uuid, initiator_id text, provider text, provider_name text, model text, streaming bool, client text, user_agent text,
         credential_kind text, credential_source text, credential_hint text, started_at timestamptz, metadata text, requested_model text`;

/** The started rows, once each (a replay inserts nothing); returns the ids inserted. */
export const INSERT_STARTED = {
  name: 'tollgate_insert_started_v3',
  text: `INSERT INTO interceptions (${STARTED_COLUMNS})
SELECT id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, credential_source, credential_hint, started_at, metadata::jsonb, requested_model
  FROM json_to_recordset($1::json) AS s(${STARTED_RECORD})
 ORDER BY id
ON CONFLICT (id) DO NOTHING RETURNING id`,
};

/**
 * Interceptions whose started and ended events are applied together: one row, already ended, and its children, with
 * no update of the row afterwards. The hint follows the spec's rule (centralized: the ended event's, the last key
 * handed out; BYOK: the started event's); provider and model are the alias target that served, when the end names one. An id already present inserts nothing here: its ended event then takes
 * the END path like any other.
 */
export const INSERT_COMPLETE = {
  name: 'tollgate_insert_complete_v3',
  text: `WITH inserted AS (
  INSERT INTO interceptions (${STARTED_COLUMNS}, ended_at, error_type, error_message, cost_micros, price_version)
  SELECT id, initiator_id, provider, COALESCE(served_provider, provider_name), COALESCE(served_model, model), streaming, client, user_agent, credential_kind, credential_source,
         CASE WHEN credential_kind = 'centralized' THEN ended_hint ELSE credential_hint END,
         started_at, metadata::jsonb, requested_model, ended_at, error_type, error_message, cost_micros, $5::text
    FROM json_to_recordset($1::json) AS c(${STARTED_RECORD}, ended_at timestamptz, ended_hint text, error_type text, error_message text, cost_micros bigint,
         served_provider text, served_model text)
   ORDER BY id
  ON CONFLICT (id) DO NOTHING RETURNING id
), ${childRows('$2', '$3', '$4', 'inserted')}
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
 * interceptions this statement ended, so a replayed event adds nothing.
 */
export const END_INTERCEPTIONS = {
  name: 'tollgate_end_interceptions_v3',
  text: `WITH e AS (
  SELECT * FROM json_to_recordset($1::json) AS e(id uuid, ended_at timestamptz, hint text, error_type text, error_message text, cost_micros bigint,
         served_provider text, served_model text)
), ended AS (
  UPDATE interceptions AS i
     SET ended_at = e.ended_at,
         provider_name = COALESCE(e.served_provider, i.provider_name), model = COALESCE(e.served_model, i.model),
         credential_hint = CASE WHEN i.credential_kind = 'centralized' THEN e.hint ELSE i.credential_hint END,
         error_type = e.error_type, error_message = e.error_message,
         cost_micros = e.cost_micros, price_version = $5::text
    FROM e
   WHERE i.id = e.id AND i.ended_at IS NULL
  RETURNING i.id
), ${childRows('$2', '$3', '$4', 'ended')}
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

function startedRow(event: InterceptionStarted) {
  return {
    id: event.interceptionId,
    initiator_id: toPostgresText(event.initiatorId),
    provider: event.providerType,
    provider_name: toPostgresText(event.providerName),
    model: toPostgresText(event.model),
    streaming: event.streaming,
    client: toPostgresText(event.client),
    user_agent: toPostgresText(event.userAgent),
    credential_kind: event.credentialKind,
    credential_source: credentialSource(event),
    credential_hint: toPostgresText(event.credentialHint),
    started_at: event.occurredAt,
    metadata: toPostgresJson(event.metadata),
    requested_model: toPostgresNullableText(event.requestedModel),
  };
}

function endFields({ event, costs }: PricedEnd) {
  let costMicros = 0;
  for (const cost of costs) costMicros += cost.costMicros;
  return {
    ended_at: event.endedAt,
    error_type: toPostgresNullableText(event.error?.type),
    error_message: toPostgresNullableText(event.error?.message),
    cost_micros: costMicros,
    served_provider: toPostgresNullableText(event.served?.providerName),
    served_model: toPostgresNullableText(event.served?.model),
  };
}

/** The parameter of INSERT_STARTED. */
export function startedParameters(started: readonly InterceptionStarted[]): unknown[] {
  return [JSON.stringify(started.map(startedRow))];
}

/** The parameters of INSERT_COMPLETE: `pairs[i]` is one interception's started event and its priced end. */
export function completeParameters(pairs: readonly { started: InterceptionStarted; end: PricedEnd }[], priceVersion: string): unknown[] {
  const rows = pairs.map(({ started, end }) => ({ ...startedRow(started), ...endFields(end), ended_hint: toPostgresText(end.event.credentialHint) }));
  return [JSON.stringify(rows), ...childParameters(pairs.map((pair) => pair.end)), priceVersion];
}

/** The parameters of END_INTERCEPTIONS. */
export function endParameters(ends: readonly PricedEnd[], priceVersion: string): unknown[] {
  const rows = ends.map((end) => ({ id: end.event.interceptionId, hint: toPostgresText(end.event.credentialHint), ...endFields(end) }));
  return [JSON.stringify(rows), ...childParameters(ends), priceVersion];
}

/** The child rows of `ends` as three JSON arrays: token usages, prompts, tool usages. */
function childParameters(ends: readonly PricedEnd[]): [string, string, string] {
  const tokens: object[] = [];
  const prompts: object[] = [];
  const tools: object[] = [];
  for (const { event, costs } of ends) {
    const id = event.interceptionId;
    event.tokenUsages.forEach((usage, index) =>
      tokens.push({
        id: randomUUID(),
        interception_id: id,
        provider_response_id: toPostgresText(usage.providerResponseId),
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_read_input_tokens: usage.cacheReadInputTokens,
        cache_write_input_tokens: usage.cacheWriteInputTokens,
        extra: toPostgresJson(usage.extra),
        created_at: event.endedAt,
        cost_micros: costs[index].costMicros,
        priced: costs[index].priced,
      }),
    );
    if (event.prompt) {
      prompts.push({
        id: randomUUID(),
        interception_id: id,
        provider_response_id: toPostgresText(event.prompt.providerResponseId),
        prompt: toPostgresText(event.prompt.text),
        created_at: event.endedAt,
      });
    }
    for (const usage of event.toolUsages) {
      tools.push({
        id: randomUUID(),
        interception_id: id,
        provider_response_id: toPostgresText(usage.providerResponseId),
        tool: toPostgresText(usage.tool),
        tool_call_id: toPostgresText(usage.toolCallId),
        input: toPostgresText(usage.input),
        injected: usage.injected,
        invocation_error: toPostgresNullableText(usage.invocationError),
        created_at: event.endedAt,
        server: toPostgresNullableText(usage.server),
      });
    }
  }
  return [JSON.stringify(tokens), JSON.stringify(prompts), JSON.stringify(tools)];
}
