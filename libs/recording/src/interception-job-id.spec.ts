import { buildEndedEvent, buildStartedEvent } from './interception-event.fixtures';
import { interceptionJobId } from './interception-job-id';

describe('interceptionJobId', () => {
  it('is the same for the same event, delivered or built twice', () => {
    const started = buildStartedEvent();
    const redelivered = { ...started, occurredAt: new Date(0).toISOString() };
    expect(interceptionJobId(started)).toBe(interceptionJobId(redelivered));
    expect(interceptionJobId(started)).toBe(`${started.interceptionId}_interception.started`);
  });

  it('differs between the two events of one interception and between interceptions', () => {
    const started = buildStartedEvent();
    const ended = buildEndedEvent(started);
    const other = buildStartedEvent();
    const ids = new Set([interceptionJobId(started), interceptionJobId(ended), interceptionJobId(other)]);
    expect(ids.size).toBe(3);
  });

  it('is a valid BullMQ custom id: no ":" and not an integer', () => {
    const id = interceptionJobId(buildEndedEvent(buildStartedEvent()));
    expect(id).not.toContain(':');
    expect(`${parseInt(id, 10)}`).not.toBe(id);
  });
});
