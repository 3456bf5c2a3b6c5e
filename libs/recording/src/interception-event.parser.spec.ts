import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { InvalidInterceptionEventError, parseInterceptionEvent } from './interception-event.parser';
import { MAX_RECORDED_COUNT, RECORDED_TEXT_LIMITS } from './interception-event.schema';

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

  it('carries the model alias asked for and the target that served it, which older producers leave out', () => {
    const started = buildStartedEvent({ providerName: 'openai', model: 'gpt-4.1', requestedModel: 'smart' });
    const ended = buildEndedEvent(started, { served: { providerName: 'azure', model: 'gpt-4.1-eu' } });
    expect(parseInterceptionEvent(JSON.parse(JSON.stringify(started)))).toEqual(started);
    expect(parseInterceptionEvent(JSON.parse(JSON.stringify(ended)))).toEqual(ended);
    expect(parseInterceptionEvent(buildStartedEvent())).not.toHaveProperty('requestedModel');
    expect(parseInterceptionEvent(buildEndedEvent(started))).not.toHaveProperty('served');
    expect(() => parseInterceptionEvent({ ...ended, served: { providerName: '', model: 'x' } })).toThrow(/served/);
    const long = parseInterceptionEvent({ ...started, requestedModel: 'a'.repeat(1000) });
    expect(long.name === 'interception.started' && long.requestedModel).toHaveLength(RECORDED_TEXT_LIMITS.identifier);
  });

  it('round-trips an embeddings ended event: input tokens only, no response id, no prompt', () => {
    const ended = buildEndedEvent(buildStartedEvent({ model: 'text-embedding-3-small', metadata: { api: 'openai-embeddings' } }), {
      tokenUsages: [{ providerResponseId: '', inputTokens: 1000, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: {} }],
      toolUsages: [],
      prompt: undefined,
    });
    const parsed = parseInterceptionEvent(JSON.parse(JSON.stringify(ended)));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(ended)));
    expect(parsed).not.toHaveProperty('prompt');
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
      providerType: 'cohere',
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

  it('clamps negative, fractional and out-of-range token counts at the door, and rejects a count that is not a number', () => {
    const started = buildStartedEvent();
    const usage = buildEndedEvent(started).tokenUsages[0];
    const parsed = parseInterceptionEvent(
      buildEndedEvent(started, { tokenUsages: [{ ...usage, inputTokens: -1, outputTokens: 1.5, cacheReadInputTokens: 1e308 }] }),
    );
    expect(parsed.name === 'interception.ended' && parsed.tokenUsages[0]).toMatchObject({ inputTokens: 0, outputTokens: 1, cacheReadInputTokens: MAX_RECORDED_COUNT });
    expect(() => parseInterceptionEvent({ ...buildEndedEvent(started), tokenUsages: [{ ...usage, outputTokens: '7' }] })).toThrow(/tokenUsages\[0\]\.outputTokens/);
  });

  it('rejects a missing required field', () => {
    const { endedAt: _endedAt, ...withoutEndedAt } = buildEndedEvent(buildStartedEvent());
    expect(() => parseInterceptionEvent(withoutEndedAt)).toThrow(/endedAt/);
  });

  it('cuts client-chosen strings at their recorded length, never inside a surrogate pair', () => {
    const { identifier, userAgent, content } = RECORDED_TEXT_LIMITS;
    const started = parseInterceptionEvent(buildStartedEvent({ model: 'm'.repeat(3_000), userAgent: 'u'.repeat(10_000), client: 'c'.repeat(1_000) }));
    expect(started.name === 'interception.started' && [started.model.length, started.userAgent.length, started.client.length]).toEqual([
      identifier,
      userAgent,
      RECORDED_TEXT_LIMITS.client,
    ]);
    const base = buildEndedEvent(buildStartedEvent());
    const ended = parseInterceptionEvent({
      ...base,
      error: { type: 't'.repeat(500), message: 'e'.repeat(10_000) },
      prompt: { providerResponseId: 'r'.repeat(300), text: 'p'.repeat(content - 1) + '\u{1F600}' },
    });
    if (ended.name !== 'interception.ended') throw new Error('unreachable');
    expect([ended.error?.type.length, ended.error?.message.length, ended.prompt?.providerResponseId.length]).toEqual([
      RECORDED_TEXT_LIMITS.errorType,
      RECORDED_TEXT_LIMITS.errorMessage,
      identifier,
    ]);
    // The emoji's first half would have been the last character kept: the pair is dropped whole.
    expect(ended.prompt?.text).toBe('p'.repeat(content - 1));
  });

  it('does not echo field values in its error', () => {
    const secretLooking = 'sk-live-0123456789abcdef0123456789abcdef';
    expect(() => parseInterceptionEvent({ ...buildStartedEvent(), credentialHint: secretLooking })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secretLooking) }),
    );
  });
});
