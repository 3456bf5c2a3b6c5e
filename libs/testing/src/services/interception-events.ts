import { randomUUID } from 'node:crypto';
import type { InterceptionEnded, InterceptionEvent, InterceptionEventBatch, InterceptionStarted } from '@tollgate/recording';

/** A valid `interception.started` event; override any field. */
export function buildStartedEvent(overrides: Partial<InterceptionStarted> = {}): InterceptionStarted {
  return {
    name: 'interception.started',
    schemaVersion: 1,
    interceptionId: randomUUID(),
    occurredAt: new Date().toISOString(),
    trace: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    initiatorId: 'user-1',
    providerType: 'openai',
    providerName: 'openai-main',
    model: 'gpt-4.1-mini',
    streaming: false,
    client: 'curl',
    userAgent: 'curl/8.5.0',
    credentialKind: 'centralized',
    credentialHint: '',
    metadata: { route: '/openai/v1/chat/completions' },
    ...overrides,
  };
}

/** A valid `interception.ended` event for `started` (same id), one token usage, a prompt and one tool call. */
export function buildEndedEvent(started: Pick<InterceptionStarted, 'interceptionId'>, overrides: Partial<InterceptionEnded> = {}): InterceptionEnded {
  const now = new Date().toISOString();
  return {
    name: 'interception.ended',
    schemaVersion: 1,
    interceptionId: started.interceptionId,
    occurredAt: now,
    endedAt: now,
    credentialHint: 'sk-…a1b2',
    tokenUsages: [
      {
        providerResponseId: 'resp-1',
        inputTokens: 120,
        outputTokens: 48,
        cacheReadInputTokens: 20,
        cacheWriteInputTokens: 0,
        extra: { reasoning_tokens: 12 },
      },
    ],
    prompt: { providerResponseId: 'resp-1', text: 'What is the capital of France?' },
    toolUsages: [
      {
        providerResponseId: 'resp-1',
        tool: 'get_weather',
        toolCallId: 'call_1',
        input: '{"city":"Paris"}',
        injected: false,
      },
    ],
    ...overrides,
  };
}

/** The payload of an `interception.batch` job holding `events`, in order. */
export function buildEventBatch(events: InterceptionEvent[], batchId: string = randomUUID()): InterceptionEventBatch {
  return { batchId, events };
}
