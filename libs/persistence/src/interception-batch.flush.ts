import type { InterceptionEvent } from '@tollgate/recording';
import type { BatchItemResult } from './event-batcher';
import type { EventOutcome, InterceptionEventWriter } from './interception-event.writer';

/** An `interception.ended` arrived before its `interception.started` was recorded: retry it later. */
export class ParentMissingError extends Error {
  override readonly name = 'ParentMissingError';
  constructor(readonly interceptionId: string) {
    super(`interception ${interceptionId} has no started row yet; the ended event will be retried`);
  }
}

/** Outcomes that leave the event done: it is recorded (now or before). */
export type SettledOutcome = Exclude<EventOutcome, 'parent-missing'>;

/**
 * Applies a batch and maps each event to its own result (a missing parent is that event's error). If the database
 * rejects the batch because of its data (one bad event), the events are applied one by one, so a single poison
 * event fails alone instead of failing every batch it lands in. Connection errors fail the whole batch.
 */
export async function flushInterceptionEvents(
  writer: InterceptionEventWriter,
  events: InterceptionEvent[],
): Promise<BatchItemResult<SettledOutcome>[]> {
  try {
    const { outcomes } = await writer.applyBatch(events);
    return outcomes.map((outcome, index) => toItemResult(outcome, events[index]));
  } catch (error) {
    if (events.length === 1 || !isDataError(error)) throw error;
  }
  const results: BatchItemResult<SettledOutcome>[] = [];
  for (const event of events) {
    try {
      const { outcomes } = await writer.applyBatch([event]);
      results.push(toItemResult(outcomes[0], event));
    } catch (error) {
      results.push({ ok: false, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return results;
}

function toItemResult(outcome: EventOutcome, event: InterceptionEvent): BatchItemResult<SettledOutcome> {
  return outcome === 'parent-missing' ? { ok: false, error: new ParentMissingError(event.interceptionId) } : { ok: true, value: outcome };
}

// SQLSTATE classes caused by the statement's data, which a retry cannot fix: 22 data exception, 23 integrity
// constraint violation, 42 syntax error or access rule violation, 54 program limit exceeded (e.g. a value too large
// for a btree index row). Connection loss has no SQLSTATE (or class 08/57).
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(22|23|42|54)/.test(code);
}
