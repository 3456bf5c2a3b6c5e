import { INTERCEPTION_EVENT_NAMES, type InterceptionEvent, type InterceptionEventName, type InterceptionEventOf } from './interception-event.schema';

/** One handler per event name; the mapped type makes a missing handler a compile error. */
export type InterceptionHandlers<Result> = {
  [Name in InterceptionEventName]: (event: InterceptionEventOf<Name>) => Result;
};

export interface InterceptionJobCatalogue<Result> {
  readonly names: readonly InterceptionEventName[];
  handle(event: InterceptionEvent): Result;
}

/**
 * Builds the event-name → handler map a consumer dispatches with. Also checked at run time so that a worker built
 * against a contract with an event it cannot handle fails at start, not job by job.
 */
export function createInterceptionJobCatalogue<Result>(handlers: InterceptionHandlers<Result>): InterceptionJobCatalogue<Result> {
  const missing = INTERCEPTION_EVENT_NAMES.filter((name) => typeof (handlers as Partial<Record<string, unknown>>)[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`interception job catalogue has no handler for: ${missing.join(', ')}`);
  }
  return {
    names: INTERCEPTION_EVENT_NAMES,
    handle(event) {
      const handler = handlers[event.name] as (event: InterceptionEvent) => Result;
      return handler(event);
    },
  };
}
