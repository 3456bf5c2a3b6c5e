import { z } from 'zod';
import type { InterceptionEnded } from './interception-event.schema';

/** Why an interception was closed by the recorder rather than by its own ended event. */
export interface ClosingReason {
  /** `invalid_event`: the ended event failed validation; `rejected_event`: the database refused its data. */
  type: 'invalid_event' | 'rejected_event';
  message: string;
}

/**
 * The ended event the recorder writes in place of an ended event it cannot record: the interception is closed, with
 * the reason as its error and no usage, instead of being left open forever.
 */
export function closingEvent(interceptionId: string, reason: ClosingReason, at: Date): InterceptionEnded {
  const endedAt = at.toISOString();
  return {
    name: 'interception.ended',
    schemaVersion: 1,
    interceptionId,
    occurredAt: endedAt,
    endedAt,
    credentialHint: '',
    error: { type: reason.type, message: reason.message.slice(0, 4_096) },
    tokenUsages: [],
    toolUsages: [],
  };
}

/** The interception an invalid entry claims to end, when it is an `interception.ended` naming a valid id. */
export function interceptionEndedBy(entry: unknown): string | undefined {
  const { name, interceptionId } = (entry ?? {}) as { name?: unknown; interceptionId?: unknown };
  return name === 'interception.ended' && z.uuid().safeParse(interceptionId).success ? (interceptionId as string) : undefined;
}
