import { randomUUID } from 'node:crypto';
import type { InterceptionEnded, InterceptionEvent, InterceptionStarted } from '@tollgate/recording';
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

/** The SQL rule of the spec for the end of an interception (centralized credentials learn their hint at the end). */
const END_INTERCEPTION_SQL = `UPDATE interceptions
   SET ended_at = $2,
       credential_hint = CASE WHEN credential_kind = 'centralized' THEN $3 ELSE credential_hint END,
       error_type = $4, error_message = $5
 WHERE id = $1 AND ended_at IS NULL`;

/** Turns interception events into rows. Every method is idempotent: replaying events changes nothing. */
export class InterceptionEventWriter {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Applies a batch in one transaction: all `started` rows first (so an `ended` in the same batch finds its parent),
   * then each `ended`. Throws (and writes nothing) if the database fails; a missing parent is an outcome, not an error.
   */
  async applyBatch(events: readonly InterceptionEvent[]): Promise<BatchResult> {
    if (events.length === 0) return { outcomes: [] };
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      await queryRunner.connect();
      await queryRunner.startTransaction();
      try {
        const outcomes = new Array<EventOutcome>(events.length);
        await this.insertStarted(queryRunner, events, outcomes);
        await this.applyEnded(queryRunner, events, outcomes);
        await queryRunner.commitTransaction();
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
        'credential_kind', 'credential_hint', 'started_at', 'metadata',
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
    // Rows are locked in id order, as in every other batch, so concurrent workers cannot deadlock on each other.
    const ended = indexed(events, (event): event is InterceptionEnded => event.name === 'interception.ended').sort(byInterceptionId);
    if (ended.length === 0) return;

    const applied: InterceptionEnded[] = [];
    const notApplied: { event: InterceptionEnded; index: number }[] = [];
    for (const entry of ended) {
      const { event } = entry;
      const result = await queryRunner.query(
        END_INTERCEPTION_SQL,
        [
          event.interceptionId,
          event.endedAt,
          toPostgresText(event.credentialHint),
          toPostgresNullableText(event.error?.type),
          toPostgresNullableText(event.error?.message),
        ],
        true,
      );
      if ((result.affected ?? 0) > 0) {
        applied.push(event);
        outcomes[entry.index] = 'recorded';
      } else {
        notApplied.push(entry);
      }
    }

    await this.insertChildren(queryRunner, applied);

    if (notApplied.length === 0) return;
    // Not updated: either already ended (a replay) or not started yet (its parent will come).
    const existing = await queryRunner.query('SELECT id FROM interceptions WHERE id = ANY($1::uuid[])', [
      [...new Set(notApplied.map(({ event }) => event.interceptionId))],
    ]);
    const existingIds = new Set((existing as { id: string }[]).map((row) => row.id));
    for (const { event, index } of notApplied) {
      outcomes[index] = existingIds.has(event.interceptionId) ? 'duplicate' : 'parent-missing';
    }
  }

  private async insertChildren(queryRunner: QueryRunner, ended: readonly InterceptionEnded[]): Promise<void> {
    const tokenUsages = ended.flatMap((event) =>
      event.tokenUsages.map((usage) => [
        randomUUID(),
        event.interceptionId,
        toPostgresText(usage.providerResponseId),
        usage.inputTokens,
        usage.outputTokens,
        usage.cacheReadInputTokens,
        usage.cacheWriteInputTokens,
        toPostgresJson(usage.extra),
        event.endedAt,
      ]),
    );
    if (tokenUsages.length > 0) {
      await bulkInsert(queryRunner, {
        table: 'token_usages',
        columns: [
          'id', 'interception_id', 'provider_response_id', 'input_tokens', 'output_tokens', 'cache_read_input_tokens',
          'cache_write_input_tokens', 'extra', 'created_at',
        ],
        rows: tokenUsages,
      });
    }

    const prompts = ended.flatMap((event) =>
      event.prompt
        ? [[randomUUID(), event.interceptionId, toPostgresText(event.prompt.providerResponseId), toPostgresText(event.prompt.text), event.endedAt]]
        : [],
    );
    if (prompts.length > 0) {
      await bulkInsert(queryRunner, {
        table: 'user_prompts',
        columns: ['id', 'interception_id', 'provider_response_id', 'prompt', 'created_at'],
        rows: prompts,
      });
    }

    const toolUsages = ended.flatMap((event) =>
      event.toolUsages.map((tool) => [
        randomUUID(),
        event.interceptionId,
        toPostgresText(tool.providerResponseId),
        toPostgresText(tool.tool),
        toPostgresText(tool.toolCallId),
        toPostgresText(tool.input),
        tool.injected,
        toPostgresNullableText(tool.invocationError),
        event.endedAt,
      ]),
    );
    if (toolUsages.length > 0) {
      await bulkInsert(queryRunner, {
        table: 'tool_usages',
        columns: ['id', 'interception_id', 'provider_response_id', 'tool', 'tool_call_id', 'input', 'injected', 'invocation_error', 'created_at'],
        rows: toolUsages,
      });
    }
  }
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
