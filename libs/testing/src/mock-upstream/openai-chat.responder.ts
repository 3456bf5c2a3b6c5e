import { answerContent } from './answer-content';
import { frameTemplate } from './frame-template';
import { MOCK_CHAT_USAGE } from './mock-defaults';
import { mockId, unixSeconds } from './mock-ids';
import { requestedModel, wantsStream, type ResponderInput } from './responder-input';
import { jsonPlan, sseData, type ResponsePlan } from './response-plan';

const SYSTEM_FINGERPRINT = 'fp_mock0001';

/** `POST /v1/chat/completions`, blocking or streamed (`chat.completion.chunk`s ending in `[DONE]`). */
export function respondChatCompletion(input: ResponderInput): ResponsePlan {
  const { body } = input;
  const answer = answerContent(input.step, input.chunks);
  const envelope = {
    id: mockId('chatcmpl-'),
    created: unixSeconds(),
    model: requestedModel(body, 'gpt-4o-mini'),
  };
  const callId = mockId('call_');

  if (!wantsStream(body)) {
    const message =
      answer.kind === 'tool'
        ? {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: callId, type: 'function', function: { name: answer.name, arguments: answer.argumentsJson } }],
            refusal: null,
            annotations: [],
          }
        : { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
    return jsonPlan({
      ...envelope,
      object: 'chat.completion',
      choices: [{ index: 0, message, logprobs: null, finish_reason: answer.kind === 'tool' ? 'tool_calls' : 'stop' }],
      usage: MOCK_CHAT_USAGE,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    });
  }

  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
    sseData({
      ...envelope,
      object: 'chat.completion.chunk',
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });

  const head =
    answer.kind === 'tool'
      ? chunk({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: answer.name, arguments: '' } }],
          refusal: null,
        })
      : chunk({ role: 'assistant', content: '', refusal: null });
  const deltas =
    answer.kind === 'tool'
      ? answer.argumentChunks.map(
          frameTemplate(1, (fragment) => chunk({ tool_calls: [{ index: 0, function: { arguments: fragment } }] })),
        )
      : answer.chunks.map(frameTemplate(1, (text) => chunk({ content: text })));
  const tail = [chunk({}, answer.kind === 'tool' ? 'tool_calls' : 'stop')];
  if (includeUsage) {
    tail.push(
      sseData({
        ...envelope,
        object: 'chat.completion.chunk',
        service_tier: 'default',
        system_fingerprint: SYSTEM_FINGERPRINT,
        choices: [],
        usage: MOCK_CHAT_USAGE,
      }),
    );
  }
  tail.push('data: [DONE]\n\n');

  return {
    kind: 'stream',
    head: [head],
    deltas,
    tail,
    errorFrame: () =>
      sseData({
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      }),
  };
}
