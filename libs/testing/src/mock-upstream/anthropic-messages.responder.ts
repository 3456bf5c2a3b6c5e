import { answerContent } from './answer-content';
import { frameTemplate } from './frame-template';
import {
  MOCK_ANTHROPIC_COUNT_TOKENS,
  MOCK_ANTHROPIC_MODELS,
  MOCK_ANTHROPIC_STREAM_START_OUTPUT_TOKENS,
  MOCK_ANTHROPIC_USAGE,
} from './mock-defaults';
import { mockId } from './mock-ids';
import { requestedModel, wantsStream, type ResponderInput } from './responder-input';
import { jsonPlan, sseEvent, type ResponsePlan } from './response-plan';

const MODEL_CREATED_AT = '2025-09-29T00:00:00Z';

/** `POST /v1/messages`, blocking or streamed (`message_start` … `message_stop`). */
export function respondAnthropicMessages(input: ResponderInput): ResponsePlan {
  const { body } = input;
  const answer = answerContent(input.step, input.chunks);
  const message = {
    id: mockId('msg_01'),
    type: 'message',
    role: 'assistant',
    model: requestedModel(body, 'claude-sonnet-4-5'),
  };
  const toolUseId = mockId('toolu_01');
  const stopReason = answer.kind === 'tool' ? 'tool_use' : 'end_turn';

  if (!wantsStream(body)) {
    const content =
      answer.kind === 'tool'
        ? [{ type: 'tool_use', id: toolUseId, name: answer.name, input: JSON.parse(answer.argumentsJson) }]
        : [{ type: 'text', text: answer.text }];
    return jsonPlan({ ...message, content, stop_reason: stopReason, stop_sequence: null, usage: MOCK_ANTHROPIC_USAGE });
  }

  const startUsage = { ...MOCK_ANTHROPIC_USAGE, output_tokens: MOCK_ANTHROPIC_STREAM_START_OUTPUT_TOKENS };
  const head = [
    sseEvent('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: startUsage },
    }),
    sseEvent('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block:
        answer.kind === 'tool'
          ? { type: 'tool_use', id: toolUseId, name: answer.name, input: {} }
          : { type: 'text', text: '' },
    }),
    sseEvent('ping', { type: 'ping' }),
  ];
  const blockDelta = (delta: Record<string, unknown>): string =>
    sseEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta });
  const deltas =
    answer.kind === 'tool'
      ? answer.argumentChunks.map(
          frameTemplate(1, (fragment) => blockDelta({ type: 'input_json_delta', partial_json: fragment })),
        )
      : answer.chunks.map(frameTemplate(1, (text) => blockDelta({ type: 'text_delta', text })));
  const tail = [
    sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: MOCK_ANTHROPIC_USAGE.output_tokens },
    }),
    sseEvent('message_stop', { type: 'message_stop' }),
  ];

  return {
    kind: 'stream',
    head,
    deltas,
    tail,
    errorFrame: () => sseEvent('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
  };
}

/** `POST /v1/messages/count_tokens` */
export function respondAnthropicCountTokens(): ResponsePlan {
  return jsonPlan({ input_tokens: MOCK_ANTHROPIC_COUNT_TOKENS });
}

/** `GET /v1/models` */
export function respondAnthropicModelList(): ResponsePlan {
  const data = MOCK_ANTHROPIC_MODELS.map(anthropicModel);
  return jsonPlan({ data, has_more: false, first_id: data[0].id, last_id: data[data.length - 1].id });
}

/** `GET /v1/models/{id}`: any id exists. */
export function respondAnthropicModel(input: ResponderInput): ResponsePlan {
  return jsonPlan(anthropicModel(decodeURIComponent(input.segments.slice(1).join('/'))));
}

function anthropicModel(id: string): { type: string; id: string; display_name: string; created_at: string } {
  return { type: 'model', id, display_name: id, created_at: MODEL_CREATED_AT };
}
