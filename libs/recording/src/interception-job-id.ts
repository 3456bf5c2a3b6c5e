import type { InterceptionEvent } from './interception-event.schema';

/**
 * The BullMQ job id of an event: the same event always gets the same id, so a retried enqueue is a no-op while the
 * first job is still known to the queue.
 *
 * The spec's logical id is `{interceptionId}:{event}`, but BullMQ rejects custom ids containing ':' (it is its Redis
 * key separator; only its own repeatable-job ids may contain it) and ids that parse as integers. So the separator is
 * '_', which a UUID never contains: `3f1c…-9a2e_interception.started`.
 */
export function interceptionJobId(event: Pick<InterceptionEvent, 'interceptionId' | 'name'>): string {
  return `${event.interceptionId}_${event.name}`;
}
