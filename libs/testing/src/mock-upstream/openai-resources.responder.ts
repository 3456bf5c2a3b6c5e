import { MOCK_OPENAI_MODELS, MOCK_RESPONSES_USAGE, mockText } from './mock-defaults';
import { mockId, unixSeconds } from './mock-ids';
import type { ResponderInput } from './responder-input';
import { jsonPlan, type ResponsePlan } from './response-plan';
import { responseObject } from './openai-responses.responder';

const MODEL_CREATED = 1_715_367_049;

/** `GET /v1/models` */
export function respondOpenaiModelList(): ResponsePlan {
  return jsonPlan({ object: 'list', data: MOCK_OPENAI_MODELS.map(openaiModel) });
}

/** `GET /v1/models/{id}`: any id exists. */
export function respondOpenaiModel(input: ResponderInput): ResponsePlan {
  return jsonPlan(openaiModel(decodeURIComponent(input.segments.slice(1).join('/'))));
}

/** `/v1/responses/{id}` (GET, DELETE), `/v1/responses/{id}/cancel` (POST), `/v1/responses/{id}/input_items` (GET). */
export function respondStoredResponse(input: ResponderInput): ResponsePlan {
  const [, id, action] = input.segments;
  if (action === 'input_items') return jsonPlan(emptyList());
  if (input.method === 'DELETE') return jsonPlan({ id, object: 'response', deleted: true });
  const cancelled = action === 'cancel';
  const response = responseObject({}, id, cancelled ? 'cancelled' : 'completed');
  if (cancelled) return jsonPlan(response);
  const text = mockText();
  const message = {
    id: mockId('msg_'),
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
  return jsonPlan({ ...response, output: [message], usage: MOCK_RESPONSES_USAGE });
}

/** `/v1/conversations` and everything under it, any method. */
export function respondConversations(input: ResponderInput): ResponsePlan {
  const [, id, sub, itemId] = input.segments;
  if (sub === 'items') {
    if (itemId !== undefined) {
      if (input.method === 'DELETE') return jsonPlan(conversation(id, input.body));
      return jsonPlan({ id: itemId, type: 'message', status: 'completed', role: 'user', content: [] });
    }
    if (input.method === 'POST') {
      const items = Array.isArray(input.body.items) ? input.body.items : [];
      return jsonPlan({ ...emptyList(), data: items.map((item) => ({ id: mockId('msg_'), ...(item as object) })) });
    }
    return jsonPlan(emptyList());
  }
  if (id === undefined) return jsonPlan(conversation(mockId('conv_'), input.body));
  if (input.method === 'DELETE') return jsonPlan({ id, object: 'conversation.deleted', deleted: true });
  return jsonPlan(conversation(id, input.body));
}

function openaiModel(id: string): Record<string, unknown> {
  return { id, object: 'model', created: MODEL_CREATED, owned_by: 'system' };
}

function conversation(id: string, body: Record<string, unknown>): Record<string, unknown> {
  return { id, object: 'conversation', created_at: unixSeconds(), metadata: body.metadata ?? {} };
}

function emptyList(): Record<string, unknown> {
  return { object: 'list', data: [], first_id: null, last_id: null, has_more: false };
}
