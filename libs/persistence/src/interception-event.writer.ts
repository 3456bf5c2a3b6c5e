import type { InterceptionEnded, InterceptionEvent, InterceptionStarted } from '@tollgate/recording';
import { createPriceTable, type PriceTable } from '@tollgate/usage';
import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import {
  END_INTERCEPTIONS,
  INSERT_COMPLETE,
  INSERT_STARTED,
  SELECT_PRICED_PARENTS,
  completeParameters,
  endParameters,
  startedParameters,
  type PricedEnd,
} from './interception-rows.sql';

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

export interface InterceptionEventWriterOptions {
  /** Prices token usages as interceptions end; default: the built-in table (createPriceTable()). */
  prices?: PriceTable;
}

/** Where an interception's tokens are priced: its provider instance and requested model, from its started row. */
interface PricedParent {
  id: string;
  provider_name: string;
  model: string;
}

interface Indexed<Event> {
  event: Event;
  index: number;
}

interface Pair {
  started: Indexed<InterceptionStarted>;
  ended: Indexed<InterceptionEnded>;
}

/**
 * The first copy of each event (a second copy is a replay), sorted into interceptions with both events in the
 * batch, started alone and ended alone; each in id order, as in every statement, so that concurrent writers take row
 * locks in the same order.
 */
function planBatch(events: readonly InterceptionEvent[]): { pairs: Pair[]; startedAlone: Indexed<InterceptionStarted>[]; endedAlone: Indexed<InterceptionEnded>[] } {
  const started = new Map<string, Indexed<InterceptionStarted>>();
  const ended = new Map<string, Indexed<InterceptionEnded>>();
  events.forEach((event, index) => {
    if (event.name === 'interception.started') {
      if (!started.has(event.interceptionId)) started.set(event.interceptionId, { event, index });
    } else if (!ended.has(event.interceptionId)) {
      ended.set(event.interceptionId, { event, index });
    }
  });
  const pairs: Pair[] = [];
  const startedAlone: Indexed<InterceptionStarted>[] = [];
  for (const [id, entry] of started) {
    const end = ended.get(id);
    if (end) pairs.push({ started: entry, ended: end });
    else startedAlone.push(entry);
  }
  const endedAlone = [...ended.values()].filter((entry) => !started.has(entry.event.interceptionId));
  pairs.sort((a, b) => byId(a.started, b.started));
  return { pairs, startedAlone: startedAlone.sort(byId), endedAlone: endedAlone.sort(byId) };
}

/** A fixed statement (see interception-rows.sql.ts). */
interface Statement {
  name: string;
  text: string;
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
   * Applies a batch, atomically: an interception whose two events are both here becomes one finished row (no update
   * afterwards); other started events are inserted, then other ended events end their rows. Throws (and writes
   * nothing) if the database fails; a missing parent is an outcome, not an error. The same event twice in a batch is
   * applied once.
   */
  async applyBatch(events: readonly InterceptionEvent[]): Promise<BatchResult> {
    const outcomes = new Array<EventOutcome>(events.length).fill('duplicate');
    const plan = planBatch(events);
    const groups = (plan.pairs.length > 0 ? 1 : 0) + (plan.startedAlone.length > 0 ? 1 : 0) + (plan.endedAlone.length > 0 ? 1 : 0);
    if (groups === 0) return { outcomes };

    const queryRunner = this.dataSource.createQueryRunner();
    try {
      const client = (await queryRunner.connect()) as PoolClient;
      // Each statement is atomic and idempotent on its own; a batch of more than one kind is one transaction.
      if (groups > 1 || plan.pairs.length > 0) await queryRunner.startTransaction();
      try {
        const endLater = await this.insertComplete(client, plan.pairs, outcomes);
        await this.insertStarted(client, plan.startedAlone, outcomes);
        await this.endStarted(client, [...plan.endedAlone, ...endLater], outcomes);
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

  /**
   * Interceptions whose two events are both in the batch become finished rows at once. Returns the ended events of
   * those whose row was there already: they end it like any other ended event (or find it ended: a replay).
   */
  private async insertComplete(client: PoolClient, pairs: Pair[], outcomes: EventOutcome[]): Promise<Indexed<InterceptionEnded>[]> {
    if (pairs.length === 0) return [];
    const parameters = completeParameters(
      pairs.map((pair) => ({ started: pair.started.event, end: this.priced(pair.ended.event, pair.started.event) })),
      this.prices.version,
    );
    const inserted = await idsOf(client, INSERT_COMPLETE, parameters);
    const endLater: Indexed<InterceptionEnded>[] = [];
    for (const pair of pairs) {
      if (inserted.has(pair.started.event.interceptionId)) {
        outcomes[pair.started.index] = 'recorded';
        outcomes[pair.ended.index] = 'recorded';
      } else {
        endLater.push(pair.ended);
      }
    }
    return endLater;
  }

  private async insertStarted(client: PoolClient, started: Indexed<InterceptionStarted>[], outcomes: EventOutcome[]): Promise<void> {
    if (started.length === 0) return;
    const inserted = await idsOf(client, INSERT_STARTED, startedParameters(started.map((entry) => entry.event)));
    for (const entry of started) if (inserted.has(entry.event.interceptionId)) outcomes[entry.index] = 'recorded';
  }

  /** Ends the rows of ended events whose started event came in an earlier batch, priced from their started row. */
  private async endStarted(client: PoolClient, ended: Indexed<InterceptionEnded>[], outcomes: EventOutcome[]): Promise<void> {
    if (ended.length === 0) return;
    ended.sort(byId); // the ended events of pairs whose row was there already join in id order
    const ids = ended.map((entry) => entry.event.interceptionId);
    const parentRows = await run<PricedParent>(client, SELECT_PRICED_PARENTS, [ids]);
    const parents = new Map(parentRows.map((row) => [row.id, row]));
    const pricable = ended.filter((entry) => parents.has(entry.event.interceptionId));
    const endedNow =
      pricable.length === 0
        ? new Set<string>()
        : await idsOf(
            client,
            END_INTERCEPTIONS,
            endParameters(
              pricable.map((entry) => {
                const parent = parents.get(entry.event.interceptionId)!;
                return this.priced(entry.event, { providerName: parent.provider_name, model: parent.model });
              }),
              this.prices.version,
            ),
          );
    // Not ended now: either ended before (a replay) or not started yet (its parent will come).
    for (const { event, index } of ended) {
      outcomes[index] = endedNow.has(event.interceptionId) ? 'recorded' : parents.has(event.interceptionId) ? 'duplicate' : 'parent-missing';
    }
  }

  /** Tokens are priced at the provider and model that served: an alias's serving target, else the started row's. */
  private priced(event: InterceptionEnded, parent: Pick<InterceptionStarted, 'providerName' | 'model'>): PricedEnd {
    const { providerName, model } = event.served ?? parent;
    return { event, costs: event.tokenUsages.map((usage) => this.prices.cost(providerName, model, usage)) };
  }
}

/** A statement of the writer failed; `code` is the SQLSTATE when the database answered (none when it was unreachable). */
export class RecordingWriteError extends Error {
  override readonly name = 'RecordingWriteError';
  readonly code?: string;

  constructor(statement: string, cause: unknown) {
    super(`${statement}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    const code = (cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') this.code = code;
  }
}

/** Runs a fixed statement, prepared once per connection. */
async function run<Row extends object>(client: PoolClient, statement: Statement, values: unknown[]): Promise<Row[]> {
  try {
    return (await client.query<Row>({ name: statement.name, text: statement.text, values })).rows;
  } catch (error) {
    throw new RecordingWriteError(statement.name, error);
  }
}

/** Runs a fixed statement and returns the ids it returned. */
async function idsOf(client: PoolClient, statement: Statement, values: unknown[]): Promise<Set<string>> {
  return new Set((await run<{ id: string }>(client, statement, values)).map((row) => row.id));
}

function byId(a: Indexed<InterceptionEvent>, b: Indexed<InterceptionEvent>): number {
  return a.event.interceptionId < b.event.interceptionId ? -1 : a.event.interceptionId > b.event.interceptionId ? 1 : 0;
}

async function rollbackQuietly(queryRunner: QueryRunner): Promise<void> {
  try {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
  } catch {
    // The connection is already gone (the usual reason a batch fails); the server discards the transaction.
  }
}
