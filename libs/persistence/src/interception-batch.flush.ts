import type { InterceptionEvent } from '@tollgate/recording';
import type { EventOutcome, InterceptionEventWriter } from './interception-event.writer';

/** The result for one event of a batch: a value, or the error that event alone failed with. */
export type BatchItemResult<Result> = { ok: true; value: Result } | { ok: false; error: Error };

/** An `interception.ended` arrived before its `interception.started` was recorded: retry it later. */
export class ParentMissingError extends Error {
  override readonly name = 'ParentMissingError';
  constructor(readonly interceptionId: string) {
    super(`interception ${interceptionId} has no started row yet; the ended event will be retried`);
  }
}

/** The database refuses this one event's data (SQLSTATE `sqlState`): writing it again cannot succeed. */
export class EventRejectedError extends Error {
  override readonly name = 'EventRejectedError';
  constructor(
    readonly sqlState: string,
    cause: Error,
  ) {
    super(`the database refused the event's data (SQLSTATE ${sqlState}): ${cause.message}`);
  }
}

/** Outcomes that leave the event done: it is recorded (now or before). */
export type SettledOutcome = Exclude<EventOutcome, 'parent-missing'>;

/**
 * Applies a batch and maps each event to its own result (a missing parent is that event's error). If the database
 * rejects the batch because of its data (one bad event), the batch is split in halves, and those again, until the bad
 * event stands alone and fails with EventRejectedError: about 2·log2(n) more statements for one poison event among n,
 * not n, so the other events of its transaction are barely delayed. Connection errors fail the whole batch.
 */
export async function flushInterceptionEvents(
  writer: InterceptionEventWriter,
  events: InterceptionEvent[],
): Promise<BatchItemResult<SettledOutcome>[]> {
  let outcomes: EventOutcome[];
  try {
    ({ outcomes } = await writer.applyBatch(events));
  } catch (error) {
    const sqlState = dataErrorState(error);
    if (sqlState === undefined) throw error;
    if (events.length === 1) return [{ ok: false, error: new EventRejectedError(sqlState, error as Error) }];
    const middle = Math.ceil(events.length / 2);
    // In order: a started event in the first half is written before its ended event in the second.
    const first = await flushInterceptionEvents(writer, events.slice(0, middle));
    const second = await flushInterceptionEvents(writer, events.slice(middle));
    return [...first, ...second];
  }
  return outcomes.map((outcome, index) => toItemResult(outcome, events[index]));
}

function toItemResult(outcome: EventOutcome, event: InterceptionEvent): BatchItemResult<SettledOutcome> {
  return outcome === 'parent-missing' ? { ok: false, error: new ParentMissingError(event.interceptionId) } : { ok: true, value: outcome };
}

// SQLSTATE classes caused by the statement's data, which a retry cannot fix: 22 data exception (22001 too long for
// its column, 22P02/22P05 text or JSON the database cannot store), 23 integrity constraint violation, 42 syntax error
// or access rule violation, 54 program limit exceeded (54000: a value too large for a btree index row). Connection
// loss has no SQLSTATE (or class 08/57).
function dataErrorState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(22|23|42|54)/.test(code) ? code : undefined;
}
