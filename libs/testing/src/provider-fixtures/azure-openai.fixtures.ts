import { sseDataText, type ProviderFixture } from './provider-fixture';

// Azure OpenAI answers in the shapes of Microsoft's public reference (chat completions, Responses, errors): content
// filter results beside the choices, an empty first stream chunk carrying the prompt's filter results, errors as
// `{"error":{"code","message"}}`, 429s with `retry-after-ms`.

const SAFE = { filtered: false, severity: 'safe' };
const FILTERS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: { ...FILTERS, jailbreak: { filtered: false, detected: false } } }];
const JSON_HEADERS = { 'content-type': 'application/json', 'apim-request-id': 'a7d1c3b2-0e4f-4e39-9a51-6c0f0c1d2e3f', 'x-ms-region': 'Sweden Central' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'apim-request-id': 'b8e2d4c3-1f50-4f4a-8b62-7d101d2e3f40' };

export const AZURE_CHAT_COMPLETION: ProviderFixture = {
  name: 'chat completion (blocking)',
  path: '/chat/completions',
  request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Does Azure OpenAI support customer managed keys?' }] },
  status: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify({
    choices: [
      {
        content_filter_results: FILTERS,
        finish_reason: 'stop',
        index: 0,
        logprobs: null,
        message: { content: 'Yes, customer managed keys are supported by Azure OpenAI.', refusal: null, role: 'assistant' },
      },
    ],
    created: 1729100000,
    id: 'chatcmpl-AIuTq4Y1sN0kX9bZ2cV3dE5fG6hJ7',
    model: 'gpt-4o-2024-08-06',
    object: 'chat.completion',
    prompt_filter_results: PROMPT_FILTER_RESULTS,
    system_fingerprint: 'fp_67802d9a6d',
    usage: {
      completion_tokens: 13,
      completion_tokens_details: { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: 0, rejected_prediction_tokens: 0 },
      prompt_tokens: 2050,
      prompt_tokens_details: { audio_tokens: 0, cached_tokens: 1920 },
      total_tokens: 2063,
    },
  }),
  recorded: { inputTokens: 130, outputTokens: 13, cacheReadInputTokens: 1920 },
};

const chunkBase = { created: 1729100001, id: 'chatcmpl-AIuTr5Z2tO1lY0cA3dW4eF6gH7iK8', model: 'gpt-4o-2024-08-06', object: 'chat.completion.chunk', system_fingerprint: 'fp_67802d9a6d' };

export const AZURE_CHAT_STREAM: ProviderFixture = {
  name: 'chat completion (streaming, include_usage)',
  path: '/chat/completions',
  request: { model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hello' }] },
  status: 200,
  headers: SSE_HEADERS,
  body: sseDataText([
    // Azure's first chunk: no id, no model, no choices — the prompt's filter results.
    { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER_RESULTS },
    { ...chunkBase, choices: [{ content_filter_results: {}, delta: { content: '', refusal: null, role: 'assistant' }, finish_reason: null, index: 0, logprobs: null }], usage: null },
    { ...chunkBase, choices: [{ content_filter_results: FILTERS, delta: { content: 'Hello' }, finish_reason: null, index: 0, logprobs: null }], usage: null },
    { ...chunkBase, choices: [{ content_filter_results: FILTERS, delta: { content: '! 👋' }, finish_reason: null, index: 0, logprobs: null }], usage: null },
    { ...chunkBase, choices: [{ content_filter_results: {}, delta: {}, finish_reason: 'stop', index: 0, logprobs: null }], usage: null },
    { ...chunkBase, choices: [], usage: { completion_tokens: 4, prompt_tokens: 9, total_tokens: 13, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } },
  ]),
  recorded: { inputTokens: 9, outputTokens: 4, cacheReadInputTokens: 0 },
};

export const AZURE_RESPONSE: ProviderFixture = {
  name: 'Responses API (blocking)',
  path: '/responses',
  request: { model: 'gpt-4.1', input: 'This is a test.' },
  status: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify({
    id: 'resp_67cb32528d6881909eb2859a55e18a85',
    created_at: 1741369938,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    // Azure answers the deployment name here: the gateway records the model the client asked for.
    model: 'team-gpt41',
    object: 'response',
    output: [
      {
        id: 'msg_67cb3252cfac8190865744873aada798',
        content: [{ annotations: [], text: 'Great! How can I help you today?', type: 'output_text' }],
        role: 'assistant',
        status: 'completed',
        type: 'message',
      },
    ],
    parallel_tool_calls: true,
    status: 'completed',
    temperature: 1.0,
    tool_choice: 'auto',
    tools: [],
    top_p: 1.0,
    usage: { input_tokens: 20, output_tokens: 11, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 31, input_tokens_details: { cached_tokens: 0 } },
    user: null,
  }),
  recorded: { inputTokens: 20, outputTokens: 11, cacheReadInputTokens: 0 },
};

const streamedResponse = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'resp_68a1f3e2b4c08190a7d3e5f6a7b8c9d0',
  object: 'response',
  created_at: 1755443938,
  status,
  error: null,
  incomplete_details: null,
  model: 'team-gpt41',
  output: [],
  parallel_tool_calls: true,
  tools: [],
  usage: null,
  ...extra,
});

const message = { id: 'msg_68a1f3e3c1d48190b2e4f6a8c0d2e4f6', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], text: 'Hi there!' }] };

/** SSE with named events, as the Responses API streams on Azure too. */
function namedSse(events: ReadonlyArray<[string, Record<string, unknown>]>): string {
  return events.map(([event, data], index) => `event: ${event}\ndata: ${JSON.stringify({ type: event, sequence_number: index, ...data })}\n\n`).join('');
}

export const AZURE_RESPONSE_STREAM: ProviderFixture = {
  name: 'Responses API (streaming)',
  path: '/responses',
  request: { model: 'gpt-4.1', input: 'Say hi', stream: true },
  status: 200,
  headers: SSE_HEADERS,
  body: namedSse([
    ['response.created', { response: streamedResponse('in_progress') }],
    ['response.in_progress', { response: streamedResponse('in_progress') }],
    ['response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }],
    ['response.content_part.added', { item_id: message.id, output_index: 0, content_index: 0, part: { type: 'output_text', annotations: [], text: '' } }],
    ['response.output_text.delta', { item_id: message.id, output_index: 0, content_index: 0, delta: 'Hi' }],
    ['response.output_text.delta', { item_id: message.id, output_index: 0, content_index: 0, delta: ' there!' }],
    ['response.output_text.done', { item_id: message.id, output_index: 0, content_index: 0, text: 'Hi there!' }],
    ['response.content_part.done', { item_id: message.id, output_index: 0, content_index: 0, part: message.content[0] }],
    ['response.output_item.done', { output_index: 0, item: message }],
    [
      'response.completed',
      {
        response: streamedResponse('completed', {
          output: [message],
          usage: { input_tokens: 11, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 },
        }),
      },
    ],
  ]),
  recorded: { inputTokens: 11, outputTokens: 4, cacheReadInputTokens: 0 },
};

export const AZURE_CONTENT_FILTER_ERROR: ProviderFixture = {
  name: 'content filter refusal (400 with innererror)',
  path: '/chat/completions',
  request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'something the filter refuses' }] },
  status: 400,
  headers: JSON_HEADERS,
  body: JSON.stringify({
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: {
          hate: { filtered: false, severity: 'safe' },
          jailbreak: { filtered: false, detected: false },
          self_harm: { filtered: false, severity: 'safe' },
          sexual: { filtered: false, severity: 'safe' },
          violence: { filtered: true, severity: 'medium' },
        },
      },
    },
  }),
  recorded: { errorType: 'upstream_error' },
};

export const AZURE_RATE_LIMIT_ERROR: ProviderFixture = {
  name: 'rate limited (429 with retry-after-ms)',
  path: '/chat/completions',
  request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
  status: 429,
  headers: { ...JSON_HEADERS, 'retry-after': '7', 'retry-after-ms': '6400', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '0' },
  body: JSON.stringify({
    error: {
      code: '429',
      message:
        'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 7 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.',
    },
  }),
  recorded: { errorType: 'upstream_error' },
};

export const AZURE_AUTH_ERROR: ProviderFixture = {
  name: 'wrong key (401)',
  path: '/chat/completions',
  request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
  status: 401,
  headers: JSON_HEADERS,
  body: JSON.stringify({
    error: {
      code: '401',
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    },
  }),
  recorded: { errorType: 'upstream_error' },
};

export const AZURE_OPENAI_FIXTURES: readonly ProviderFixture[] = [
  AZURE_CHAT_COMPLETION,
  AZURE_CHAT_STREAM,
  AZURE_RESPONSE,
  AZURE_RESPONSE_STREAM,
  AZURE_CONTENT_FILTER_ERROR,
  AZURE_RATE_LIMIT_ERROR,
  AZURE_AUTH_ERROR,
];
