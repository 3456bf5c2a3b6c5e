import { answerContent, type AnswerContent } from './answer-content';
import { frameTemplate } from './frame-template';
import { MOCK_RESPONSES_USAGE } from './mock-defaults';
import { mockId, unixSeconds } from './mock-ids';
import { requestedModel, wantsStream, type ResponderInput } from './responder-input';
import { jsonPlan, sseEvent, type ResponsePlan } from './response-plan';

type Json = Record<string, unknown>;

/** `POST /v1/responses`, blocking or streamed as typed events, each with its `sequence_number`. */
export function respondResponses(input: ResponderInput): ResponsePlan {
  const { body } = input;
  const answer = answerContent(input.step, input.chunks);
  const response = responseObject(body, mockId('resp_'), 'completed');
  const itemId = answer.kind === 'tool' ? mockId('fc_') : mockId('msg_');
  const callId = mockId('call_');
  const completedItem = outputItem(answer, itemId, callId, 'completed');

  if (!wantsStream(body)) {
    return jsonPlan({ ...response, output: [completedItem], usage: MOCK_RESPONSES_USAGE });
  }

  // Frames are built in the order they are sent (head, deltas, tail), so numbering them while building is right.
  let sequence = 0;
  const event = (type: string, data: Json): string => sseEvent(type, { type, ...data, sequence_number: sequence++ });
  const deltaEvent = (type: string, data: Json) =>
    frameTemplate(2, (delta, sequenceNumber) => sseEvent(type, { type, ...data, delta, sequence_number: sequenceNumber }));
  const inProgress = { ...response, status: 'in_progress', completed_at: null, output: [], usage: null };
  const position = { item_id: itemId, output_index: 0 };

  const head = [
    event('response.created', { response: inProgress }),
    event('response.in_progress', { response: inProgress }),
    event('response.output_item.added', { output_index: 0, item: outputItem(answer, itemId, callId, 'in_progress') }),
  ];
  const deltas: string[] = [];
  const tail: string[] = [];
  if (answer.kind === 'tool') {
    const argumentsDelta = deltaEvent('response.function_call_arguments.delta', position);
    for (const fragment of answer.argumentChunks) deltas.push(argumentsDelta(fragment, sequence++));
    tail.push(
      event('response.function_call_arguments.done', { ...position, name: answer.name, arguments: answer.argumentsJson }),
    );
  } else {
    const emptyPart = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    head.push(event('response.content_part.added', { ...position, content_index: 0, part: emptyPart }));
    const textDelta = deltaEvent('response.output_text.delta', { ...position, content_index: 0, logprobs: [] });
    for (const text of answer.chunks) deltas.push(textDelta(text, sequence++));
    tail.push(
      event('response.output_text.done', { ...position, content_index: 0, text: answer.text, logprobs: [] }),
      event('response.content_part.done', { ...position, content_index: 0, part: { ...emptyPart, text: answer.text } }),
    );
  }
  tail.push(
    event('response.output_item.done', { output_index: 0, item: completedItem }),
    event('response.completed', { response: { ...response, output: [completedItem], usage: MOCK_RESPONSES_USAGE } }),
  );

  return {
    kind: 'stream',
    head,
    deltas,
    tail,
    errorFrame: (framesSent) =>
      sseEvent('error', {
        type: 'error',
        code: 'server_error',
        message: 'The server had an error while processing your request.',
        param: null,
        sequence_number: framesSent,
      }),
  };
}

/** A Response object as returned by create, retrieve and cancel; `output`/`usage` are filled in by the caller. */
export function responseObject(body: Json, id: string, status: string): Json {
  const created = unixSeconds();
  return {
    id,
    object: 'response',
    created_at: created,
    status,
    background: false,
    completed_at: status === 'completed' ? created : null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: requestedModel(body, 'gpt-4o-mini'),
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

function outputItem(answer: AnswerContent, id: string, callId: string, status: 'in_progress' | 'completed'): Json {
  const done = status === 'completed';
  if (answer.kind === 'tool') {
    return { id, type: 'function_call', status, arguments: done ? answer.argumentsJson : '', call_id: callId, name: answer.name };
  }
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: done ? [{ type: 'output_text', text: answer.text, annotations: [], logprobs: [] }] : [],
  };
}
