import { buildEndedEvent, buildStartedEvent } from './interception-event.fixtures';
import { InvalidInterceptionEventError, parseInterceptionEvent } from './interception-event.parser';

describe('parseInterceptionEvent', () => {
  it('round-trips a started event through JSON (the queue) unchanged', () => {
    const started = buildStartedEvent({ credentialKind: 'byok', credentialHint: 'sk-…9f3a', metadata: { a: 1, b: [true] } });
    expect(parseInterceptionEvent(JSON.parse(JSON.stringify(started)))).toEqual(started);
  });

  it('round-trips an ended event with usages, prompt, tools and an error unchanged', () => {
    const ended = buildEndedEvent(buildStartedEvent(), {
      error: { type: 'upstream_error', message: 'all keys failed' },
      toolUsages: [
        { providerResponseId: 'r1', tool: 't', toolCallId: 'c1', input: '{}', injected: true, invocationError: 'boom' },
      ],
    });
    expect(parseInterceptionEvent(JSON.parse(JSON.stringify(ended)))).toEqual(ended);
  });

  it('carries the credential source of a started event, which older producers leave out', () => {
    const stored = buildStartedEvent({ credentialKind: 'byok', credentialHint: 'sk-…9f3a', credentialSource: 'stored' });
    expect(parseInterceptionEvent(JSON.parse(JSON.stringify(stored)))).toEqual(stored);

    const legacy = parseInterceptionEvent(JSON.parse(JSON.stringify(buildStartedEvent())));
    expect(legacy).not.toHaveProperty('credentialSource');

    expect(() => parseInterceptionEvent({ ...buildStartedEvent(), credentialSource: 'env' })).toThrow(/credentialSource/);
  });

  it('accepts an ended event without optional parts', () => {
    const ended = buildEndedEvent(buildStartedEvent(), { tokenUsages: [], toolUsages: [], prompt: undefined, trace: undefined });
    const parsed = parseInterceptionEvent(JSON.parse(JSON.stringify(ended)));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(ended)));
    expect(parsed).not.toHaveProperty('prompt');
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'interception.started'],
  ])('rejects %s', (_label, raw) => {
    expect(() => parseInterceptionEvent(raw)).toThrow(InvalidInterceptionEventError);
  });

  it('rejects an unknown event name', () => {
    expect(() => parseInterceptionEvent({ ...buildStartedEvent(), name: 'interception.paused' })).toThrow(
      /unknown interception event name "interception.paused"/,
    );
  });

  it('rejects an unknown schema version, naming the supported ones', () => {
    expect(() => parseInterceptionEvent({ ...buildStartedEvent(), schemaVersion: 2 })).toThrow(
      /unsupported schemaVersion 2 for interception.started \(supported: 1\)/,
    );
    expect(() => parseInterceptionEvent({ ...buildStartedEvent(), schemaVersion: '1' })).toThrow(/unsupported schemaVersion "1"/);
  });

  it('names each bad field', () => {
    const bad = {
      ...buildStartedEvent(),
      interceptionId: 'not-a-uuid',
      providerType: 'gemini',
      occurredAt: 'yesterday',
      credentialHint: 'x'.repeat(33),
    };
    let error: InvalidInterceptionEventError | undefined;
    try {
      parseInterceptionEvent(bad);
    } catch (caught) {
      error = caught as InvalidInterceptionEventError;
    }
    expect(error).toBeInstanceOf(InvalidInterceptionEventError);
    expect(error?.problems.map((problem) => problem.split(':')[0]).sort()).toEqual(
      ['credentialHint', 'interceptionId', 'occurredAt', 'providerType'].sort(),
    );
  });

  it('rejects negative or fractional token counts and a missing required field', () => {
    const started = buildStartedEvent();
    const usage = buildEndedEvent(started).tokenUsages[0];
    expect(() => parseInterceptionEvent(buildEndedEvent(started, { tokenUsages: [{ ...usage, inputTokens: -1 }] }))).toThrow(
      /tokenUsages\[0\]\.inputTokens/,
    );
    expect(() => parseInterceptionEvent(buildEndedEvent(started, { tokenUsages: [{ ...usage, outputTokens: 1.5 }] }))).toThrow(
      /tokenUsages\[0\]\.outputTokens/,
    );
    const { endedAt: _endedAt, ...withoutEndedAt } = buildEndedEvent(started);
    expect(() => parseInterceptionEvent(withoutEndedAt)).toThrow(/endedAt/);
  });

  it('does not echo field values in its error', () => {
    const secretLooking = 'sk-live-0123456789abcdef0123456789abcdef';
    expect(() => parseInterceptionEvent({ ...buildStartedEvent(), credentialHint: secretLooking })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secretLooking) }),
    );
  });
});
