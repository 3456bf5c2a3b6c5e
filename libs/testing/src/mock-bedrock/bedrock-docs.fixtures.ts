import { encodeBedrockChunk, encodeBedrockException } from './mock-bedrock.server';

/**
 * Bedrock answers in the shapes of AWS's public documentation for Claude on Bedrock (InvokeModel,
 * InvokeModelWithResponseStream, the runtime's errors), each with the exact bytes an Anthropic client must receive
 * through the gateway.
 */
export interface BedrockFixture {
  name: string;
  /** The Anthropic Messages body the client sends. */
  request: Record<string, unknown>;
  /** What Bedrock answers. */
  replay: { status: number; headers: Record<string, string>; chunks: Uint8Array[] };
  /** What the client gets: status, content type and body, byte for byte. */
  expected: { status: number; contentType: string; body: string };
}

const REQUEST = { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello world' }] }] };

const MESSAGE_JSON =
  '{"id":"msg_bdrk_01Tn9FqRXbwTJXuR5RpyKJMs","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",' +
  '"content":[{"type":"text","text":"Hello! How can I help you today?"}],"stop_reason":"end_turn","stop_sequence":null,' +
  '"usage":{"input_tokens":10,"output_tokens":12}}';

const STREAM_EVENTS = [
  {
    type: 'message_start',
    message: {
      id: 'msg_bdrk_01QfZAq5gAqNFR7Ls7wnTVc2',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello! How can' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' I help you today?' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } },
  { type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: 10, outputTokenCount: 12, invocationLatency: 1523, firstByteLatency: 456 } },
];

const STREAM_SSE =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_bdrk_01QfZAq5gAqNFR7Ls7wnTVc2","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello! How can"}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" I help you today?"}}\n\n' +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":12}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":10,"outputTokenCount":12,"invocationLatency":1523,"firstByteLatency":456}}\n\n';

const STREAM_HEADERS = { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-bedrock-content-type': 'application/json', 'x-amzn-requestid': 'b0a8d8a4-3f5e-4f0c-9a7d-5d8c1f3e2a10' };

function bedrockError(status: number, type: string, message: string): BedrockFixture['replay'] {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'f7e1c2d3-0000-4a5b-8c9d-0123456789ab' },
    chunks: [Buffer.from(JSON.stringify({ message }))],
  };
}

function anthropicError(status: number, type: string, message: string): BedrockFixture['expected'] {
  return { status, contentType: 'application/json', body: JSON.stringify({ type: 'error', error: { type, message } }) };
}

export const BEDROCK_FIXTURES: BedrockFixture[] = [
  {
    name: 'InvokeModel: a message, passed through as it is',
    request: REQUEST,
    replay: { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': '10', 'x-amzn-bedrock-output-token-count': '12' }, chunks: [Buffer.from(MESSAGE_JSON)] },
    expected: { status: 200, contentType: 'application/json', body: MESSAGE_JSON },
  },
  {
    name: 'InvokeModelWithResponseStream: chunk events become Anthropic SSE',
    request: { ...REQUEST, stream: true },
    replay: { status: 200, headers: STREAM_HEADERS, chunks: STREAM_EVENTS.map(encodeBedrockChunk) },
    expected: { status: 200, contentType: 'text/event-stream', body: STREAM_SSE },
  },
  {
    name: 'InvokeModelWithResponseStream: the event stream arrives in one read',
    request: { ...REQUEST, stream: true },
    replay: { status: 200, headers: STREAM_HEADERS, chunks: [Buffer.concat(STREAM_EVENTS.map(encodeBedrockChunk))] },
    expected: { status: 200, contentType: 'text/event-stream', body: STREAM_SSE },
  },
  {
    name: 'InvokeModelWithResponseStream: a modelStreamErrorException after two events',
    request: { ...REQUEST, stream: true },
    replay: {
      status: 200,
      headers: STREAM_HEADERS,
      chunks: [...STREAM_EVENTS.slice(0, 2).map(encodeBedrockChunk), encodeBedrockException('modelStreamErrorException', 'The model encountered an error processing the stream.')],
    },
    expected: {
      status: 200,
      contentType: 'text/event-stream',
      body:
        STREAM_SSE.split('\n\n').slice(0, 2).join('\n\n') +
        '\n\nevent: error\ndata: {"type":"error","error":{"type":"api_error","message":"The model encountered an error processing the stream."}}\n\n',
    },
  },
  {
    name: 'ValidationException (400)',
    request: REQUEST,
    replay: bedrockError(400, 'ValidationException', 'Malformed input request: #: extraneous key [prompt] is not permitted, please reformat your input and try again.'),
    expected: anthropicError(400, 'invalid_request_error', 'Malformed input request: #: extraneous key [prompt] is not permitted, please reformat your input and try again.'),
  },
  {
    name: 'ResourceNotFoundException (404)',
    request: REQUEST,
    replay: bedrockError(404, 'ResourceNotFoundException', 'Model not found.'),
    expected: anthropicError(404, 'not_found_error', 'Model not found.'),
  },
  {
    name: 'ModelTimeoutException (408)',
    request: REQUEST,
    replay: bedrockError(408, 'ModelTimeoutException', 'Model has timed out in processing the request. Try your request again.'),
    expected: anthropicError(408, 'timeout_error', 'Model has timed out in processing the request. Try your request again.'),
  },
  {
    name: 'ModelErrorException (424)',
    request: REQUEST,
    replay: bedrockError(424, 'ModelErrorException', 'The request failed due to an error while processing the model.'),
    expected: anthropicError(424, 'api_error', 'The request failed due to an error while processing the model.'),
  },
  {
    name: 'InternalServerException (500)',
    request: { ...REQUEST, stream: true },
    replay: bedrockError(500, 'InternalServerException', 'An internal server error occurred. Retry your request.'),
    expected: anthropicError(500, 'api_error', 'An internal server error occurred. Retry your request.'),
  },
  {
    name: 'ServiceUnavailableException (503), streaming request',
    request: { ...REQUEST, stream: true },
    replay: bedrockError(503, 'ServiceUnavailableException', 'The service is currently unavailable. Please try again later.'),
    expected: anthropicError(503, 'overloaded_error', 'The service is currently unavailable. Please try again later.'),
  },
];
