import { buildEndedEvent, buildStartedEvent } from './interception-event.fixtures';
import { createInterceptionJobCatalogue, type InterceptionHandlers } from './interception-job.catalogue';

describe('createInterceptionJobCatalogue', () => {
  it('dispatches each event to the handler for its name', () => {
    const catalogue = createInterceptionJobCatalogue<string>({
      'interception.started': (event) => `started:${event.initiatorId}`,
      'interception.ended': (event) => `ended:${event.tokenUsages.length}`,
    });
    const started = buildStartedEvent({ initiatorId: 'alice' });
    expect(catalogue.handle(started)).toBe('started:alice');
    expect(catalogue.handle(buildEndedEvent(started))).toBe('ended:1');
    expect(catalogue.names).toEqual(['interception.started', 'interception.ended']);
  });

  it('fails at creation when an event name has no handler', () => {
    const incomplete = { 'interception.started': () => 'ok' } as unknown as InterceptionHandlers<string>;
    expect(() => createInterceptionJobCatalogue(incomplete)).toThrow('interception job catalogue has no handler for: interception.ended');
  });
});
