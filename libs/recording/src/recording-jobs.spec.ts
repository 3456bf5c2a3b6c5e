import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { batchJobId, interceptionEventId, missingJobHandlers, readEventBatch, RECORDING_JOB_NAMES } from './recording-jobs';

describe('recording jobs', () => {
  it('names the batch job and both one-event jobs of earlier gateways', () => {
    expect(RECORDING_JOB_NAMES).toEqual(['interception.batch', 'interception.started', 'interception.ended']);
    expect(missingJobHandlers(['interception.batch', 'interception.ended'])).toEqual(['interception.started']);
    expect(missingJobHandlers(RECORDING_JOB_NAMES)).toEqual([]);
  });

  it('gives each event a stable id that differs between the two events of an interception', () => {
    const started = buildStartedEvent();
    const ended = buildEndedEvent(started);
    expect(interceptionEventId(started)).toBe(`${started.interceptionId}_interception.started`);
    const redelivered = { ...started, occurredAt: new Date(0).toISOString() };
    expect(interceptionEventId(redelivered)).toBe(interceptionEventId(started));
    expect(interceptionEventId(ended)).not.toBe(interceptionEventId(started));
  });

  it('makes batch job ids BullMQ accepts: no ":" and not an integer', () => {
    const id = batchJobId('0b0f7d52-8d0e-4c55-9a39-3a7b9a1f2c11');
    expect(id).toBe('batch_0b0f7d52-8d0e-4c55-9a39-3a7b9a1f2c11');
    expect(id).not.toContain(':');
    expect(`${parseInt(id, 10)}`).not.toBe(id);
  });

  describe('readEventBatch', () => {
    it('returns the valid events of a batch, in order, as sent through JSON', () => {
      const started = buildStartedEvent();
      const ended = buildEndedEvent(started);
      const batch = JSON.parse(JSON.stringify({ batchId: 'b-1', events: [ended, started] }));
      expect(readEventBatch(batch)).toEqual({ batchId: 'b-1', events: [ended, started], invalid: [] });
    });

    it('sets invalid entries aside one by one, with their event id where they name one, never their values', () => {
      const good = buildStartedEvent();
      const bad = { ...buildStartedEvent(), credentialHint: 'sk-live-0123456789abcdef0123456789abcdef' };
      const read = readEventBatch({ batchId: 'b-2', events: [bad, good, 'junk'] });
      expect(read.events).toEqual([good]);
      expect(read.invalid).toEqual([
        { index: 0, eventId: interceptionEventId(bad), reason: expect.stringContaining('credentialHint') },
        { index: 2, eventId: undefined, reason: 'interception event must be an object' },
      ]);
      expect(JSON.stringify(read.invalid)).not.toContain('sk-live');
    });

    it.each([null, {}, { batchId: 1, events: [] }, { batchId: 'b', events: {} }])('refuses a payload that is no batch: %j', (raw) => {
      expect(() => readEventBatch(raw)).toThrow('an interception.batch job needs a string batchId and an events array');
    });
  });
});
