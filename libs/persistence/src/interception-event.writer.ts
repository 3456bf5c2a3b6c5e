import { randomUUID } from 'node:crypto';
import type { InterceptionEnded, InterceptionEvent, InterceptionStarted } from '@tollgate/recording';
import { createPriceTable, type Cost, type PriceTable } from '@tollgate/usage';
import type { DataSource, QueryRunner } from 'typeorm';
import { bulkInsert } from './bulk-insert';
import { toPostgresJson, toPostgresNullableText, toPostgresText } from './postgres-text';

/**
 * What applying one event did:
 * - `recorded`: its rows were written;
 * - `duplicate`: it had already been applied (a replay), nothing changed;
 * - `parent-missing`: an `interception.ended` whose `interception.started` row does not exist yet; nothing was
 *   written and the event must be retried later.
 */
export type EventOutcome = 'recorded' | 'duplicate' | 'parent-missing';

export interface BatchResult {
  /** `outcomes[i]` is the outcome of `events[i]`. */
  outcomes: EventOutcome[];
}

/**
 * The end of a batch of interceptions, in one statement (atomic on its own, one round trip): the spec's SQL rule for
 * the end (centralized credentials learn their hint at the end; a BYOK hint stays as it started), then the child rows
 * of exactly the interceptions this statement ended, so a replayed event adds nothing. Values arrive as parallel
 * arrays. Rows are locked in id order first, as in every batch, so concurrent workers cannot deadlock. Costs are
 * computed before the statement ($29: per interception, $31/$32: per token row) with one price table ($30: its version).
 */
const END_INTERCEPTIONS_SQL = `WITH e AS (
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $29::bigint[])
    AS e(id, ended_at, hint, error_type, error_message, cost_micros)
), locked AS MATERIALIZED (
  SELECT id FROM interceptions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
), ended AS (
  UPDATE interceptions AS i
     SET ended_at = e.ended_at,
         credential_hint = CASE WHEN i.credential_kind = 'centralized' THEN e.hint ELSE i.credential_hint END,
         error_type = e.error_type, error_message = e.error_message,
         cost_micros = e.cost_micros, price_version = $30::text
    FROM e JOIN locked USING (id)
   WHERE i.id = e.id AND i.ended_at IS NULL
  RETURNING i.id
), token_rows AS (
  INSERT INTO token_usages (id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, extra, created_at, cost_micros, priced)
  SELECT t.* FROM unnest($6::uuid[], $7::uuid[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::jsonb[], $14::timestamptz[], $31::bigint[], $32::bool[])
    AS t(id, interception_id, provider_response_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, extra, created_at, cost_micros, priced)
   WHERE t.interception_id IN (SELECT id FROM ended)
), prompt_rows AS (
  INSERT INTO user_prompts (id, interception_id, provider_response_id, prompt, created_at)
  SELECT p.* FROM unnest($15::uuid[], $16::uuid[], $17::text[], $18::text[], $19::timestamptz[]) AS p(id, interception_id, provider_response_id, prompt, created_at)
   WHERE p.interception_id IN (SELECT id FROM ended)
), tool_rows AS (
  INSERT INTO tool_usages (id, interception_id, provider_response_id, tool, tool_call_id, input, injected, invocation_error, created_at, server)
  SELECT u.* FROM unnest($20::uuid[], $21::uuid[], $22::text[], $23::text[], $24::text[], $25::text[], $26::bool[], $27::text[], $28::timestamptz[], $33::text[])
    AS u(id, interception_id, provider_response_id, tool, tool_call_id, input, injected, invocation_error, created_at, server)
   WHERE u.interception_id IN (SELECT id FROM ended)
)
SELECT id FROM ended`;

export interface InterceptionEventWriterOptions {
  /** Prices token usages as interceptions end; default: the built-in table (createPriceTable()). */
  prices?: PriceTable;
}

/** Where an interception's tokens are priced: its provider instance and requested model, from its started row. */
interface PricedParent {
  provider_name: string;
  model: string;
}

/** Turns interception events into rows. Every method is idempotent: replaying events changes nothing. */
export class InterceptionEventWriter {
  private readonly prices: PriceTable;

  constructor(
    private readonly dataSource: DataSource,
    options: InterceptionEventWriterOptions = {},
  ) {
    this.prices = options.prices ?? createPriceTable();
  }

  /**
   * Applies a batch in one transaction: all `started` rows first (so an `ended` in the same batch finds its parent),
   * then each `ended`. Throws (and writes nothing) if the database fails; a missing parent is an outcome, not an error.
   */
  async applyBatch(events: readonly InterceptionEvent[]): Promise<BatchResult> {
    if (events.length === 0) return { outcomes: [] };
    const outcomes = new Array<EventOutcome>(events.length);
    const hasStarted = events.some((event) => event.name === 'interception.started');
    const hasEnded = events.some((event) => event.name === 'interception.ended');
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      await queryRunner.connect();
      // Each part is one statement, atomic on its own; only a batch with both needs a transaction around them.
      if (hasStarted && hasEnded) await queryRunner.startTransaction();
      try {
        await this.insertStarted(queryRunner, events, outcomes);
        await this.applyEnded(queryRunner, events, outcomes);
        if (queryRunner.isTransactionActive) await queryRunner.commitTransaction();
        return { outcomes };
      } catch (error) {
        await rollbackQuietly(queryRunner);
        throw error;
      }
    } finally {
      await queryRunner.release();
    }
  }

  private async insertStarted(queryRunner: QueryRunner, events: readonly InterceptionEvent[], outcomes: EventOutcome[]): Promise<void> {
    const started = indexed(events, (event): event is InterceptionStarted => event.name === 'interception.started');
    if (started.length === 0) return;
    // The same event may be in the batch twice (delivered twice): insert it once.
    const firstById = new Map<string, { event: InterceptionStarted; index: number }>();
    for (const entry of started) if (!firstById.has(entry.event.interceptionId)) firstById.set(entry.event.interceptionId, entry);

    const inserted = await bulkInsert<{ id: string }>(queryRunner, {
      table: 'interceptions',
      columns: [
        'id', 'initiator_id', 'provider', 'provider_name', 'model', 'streaming', 'client', 'user_agent',
        'credential_kind', 'credential_source', 'credential_hint', 'started_at', 'metadata',
      ],
      rows: [...firstById.values()].sort(byInterceptionId).map(({ event }) => [
        event.interceptionId,
        toPostgresText(event.initiatorId),
        event.providerType,
        toPostgresText(event.providerName),
        toPostgresText(event.model),
        event.streaming,
        toPostgresText(event.client),
        toPostgresText(event.userAgent),
        event.credentialKind,
        credentialSource(event),
        toPostgresText(event.credentialHint),
        event.occurredAt,
        toPostgresJson(event.metadata),
      ]),
      suffix: 'ON CONFLICT ("id") DO NOTHING RETURNING "id"',
    });

    const newIds = new Set(inserted.map((row) => row.id));
    for (const { event, index } of started) {
      // Only the first copy of an id in this batch can be the one that inserted it.
      const isFirstCopy = firstById.get(event.interceptionId)?.index === index;
      outcomes[index] = isFirstCopy && newIds.has(event.interceptionId) ? 'recorded' : 'duplicate';
    }
  }

  private async applyEnded(queryRunner: QueryRunner, events: readonly InterceptionEvent[], outcomes: EventOutcome[]): Promise<void> {
    const ended = indexed(events, (event): event is InterceptionEnded => event.name === 'interception.ended');
    if (ended.length === 0) return;
    // The same event may be in the batch twice (delivered twice): apply the first copy; the others are replays.
    const firstById = new Map<string, { event: InterceptionEnded; index: number }>();
    for (const entry of ended) if (!firstById.has(entry.event.interceptionId)) firstById.set(entry.event.interceptionId, entry);

    // The model and provider instance that price the usage are on the started row. An event whose row is not there
    // yet is left for its retry (priced then), even if the row appears before the statement below runs.
    const parentRows = (await queryRunner.query('SELECT id, provider_name, model FROM interceptions WHERE id = ANY($1::uuid[])', [
      [...firstById.keys()],
    ])) as (PricedParent & { id: string })[];
    const parents = new Map(parentRows.map((row) => [row.id, row]));
    const pricable = [...firstById.values()].map(({ event }) => event).filter((event) => parents.has(event.interceptionId));

    const endedNow = new Set<string>();
    if (pricable.length > 0) {
      const parameters = endParameters(pricable, this.prices.version, (event) => {
        const parent = parents.get(event.interceptionId)!;
        return event.tokenUsages.map((usage) => this.prices.cost(parent.provider_name, parent.model, usage));
      });
      const result = (await queryRunner.query(END_INTERCEPTIONS_SQL, parameters, true)) as { records?: { id: string }[] };
      for (const row of result.records ?? []) endedNow.add(row.id);
    }

    const notApplied: { event: InterceptionEnded; index: number }[] = [];
    for (const entry of ended) {
      const id = entry.event.interceptionId;
      if (endedNow.has(id) && firstById.get(id)?.index === entry.index) outcomes[entry.index] = 'recorded';
      else notApplied.push(entry);
    }
    // Not updated: either already ended (a replay) or not started yet (its parent will come).
    for (const { event, index } of notApplied) {
      outcomes[index] = parents.has(event.interceptionId) ? 'duplicate' : 'parent-missing';
    }
  }
}

/**
 * The 33 parameters of END_INTERCEPTIONS_SQL: the interceptions, their token, prompt and tool rows, then the costs
 * (`costsOf(event)[i]` prices `event.tokenUsages[i]`), then the tool rows' MCP servers.
 */
function endParameters(ended: readonly InterceptionEnded[], priceVersion: string, costsOf: (event: InterceptionEnded) => Cost[]): unknown[] {
  const costs = new Map(ended.map((event) => [event, costsOf(event)]));
  const tokens = ended.flatMap((event) => event.tokenUsages.map((usage, i) => ({ event, usage, cost: costs.get(event)![i] })));
  const prompts = ended.flatMap((event) => (event.prompt ? [{ event, prompt: event.prompt }] : []));
  const tools = ended.flatMap((event) => event.toolUsages.map((tool) => ({ event, tool })));
  return [
    ended.map((event) => event.interceptionId),
    ended.map((event) => event.endedAt),
    ended.map((event) => toPostgresText(event.credentialHint)),
    ended.map((event) => toPostgresNullableText(event.error?.type)),
    ended.map((event) => toPostgresNullableText(event.error?.message)),

    tokens.map(() => randomUUID()),
    tokens.map(({ event }) => event.interceptionId),
    tokens.map(({ usage }) => toPostgresText(usage.providerResponseId)),
    tokens.map(({ usage }) => usage.inputTokens),
    tokens.map(({ usage }) => usage.outputTokens),
    tokens.map(({ usage }) => usage.cacheReadInputTokens),
    tokens.map(({ usage }) => usage.cacheWriteInputTokens),
    tokens.map(({ usage }) => toPostgresJson(usage.extra)),
    tokens.map(({ event }) => event.endedAt),

    prompts.map(() => randomUUID()),
    prompts.map(({ event }) => event.interceptionId),
    prompts.map(({ prompt }) => toPostgresText(prompt.providerResponseId)),
    prompts.map(({ prompt }) => toPostgresText(prompt.text)),
    prompts.map(({ event }) => event.endedAt),

    tools.map(() => randomUUID()),
    tools.map(({ event }) => event.interceptionId),
    tools.map(({ tool }) => toPostgresText(tool.providerResponseId)),
    tools.map(({ tool }) => toPostgresText(tool.tool)),
    tools.map(({ tool }) => toPostgresText(tool.toolCallId)),
    tools.map(({ tool }) => toPostgresText(tool.input)),
    tools.map(({ tool }) => tool.injected),
    tools.map(({ tool }) => toPostgresNullableText(tool.invocationError)),
    tools.map(({ event }) => event.endedAt),

    ended.map((event) => costs.get(event)!.reduce((total, cost) => total + cost.costMicros, 0)),
    priceVersion,
    tokens.map(({ cost }) => cost.costMicros),
    tokens.map(({ cost }) => cost.priced),
    tools.map(({ tool }) => toPostgresNullableText(tool.server)),
  ];
}

/** Events from producers older than `credentialSource` had only request keys for BYOK. */
function credentialSource(event: InterceptionStarted): NonNullable<InterceptionStarted['credentialSource']> {
  return event.credentialSource ?? (event.credentialKind === 'byok' ? 'request' : 'pool');
}

function indexed<T, S extends T>(items: readonly T[], predicate: (item: T) => item is S): { event: S; index: number }[] {
  const selected: { event: S; index: number }[] = [];
  items.forEach((item, index) => {
    if (predicate(item)) selected.push({ event: item, index });
  });
  return selected;
}

function byInterceptionId(a: { event: InterceptionEvent; index: number }, b: { event: InterceptionEvent; index: number }): number {
  if (a.event.interceptionId === b.event.interceptionId) return a.index - b.index;
  return a.event.interceptionId < b.event.interceptionId ? -1 : 1;
}

async function rollbackQuietly(queryRunner: QueryRunner): Promise<void> {
  try {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
  } catch {
    // The connection is already gone (the usual reason a batch fails); the server discards the transaction.
  }
}
