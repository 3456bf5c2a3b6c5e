import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { verifySignature, type MockAwsCredential } from './bedrock-signature.verifier';

/** One scripted answer of the mock Bedrock; an empty queue answers the default message. */
export interface MockBedrockStep {
  /** An error answer: the status, `x-amzn-ErrorType` and `{"message"}` Bedrock sends. */
  error?: { status: number; type: string; message: string };
  /** Streaming: after this many events, an exception message (`:message-type: exception`) ends the stream. */
  exceptionAfterEvents?: number;
  /** The stream exception's type (default `modelStreamErrorException`) and message. */
  exception?: { type: string; message: string };
  /** Assistant text (default `MOCK_BEDROCK_TEXT`). */
  text?: string;
  /** Answers with this tool call (`stop_reason: tool_use`) instead of text. */
  toolUse?: { name: string; input: Record<string, unknown> };
  /** Streaming: write each event-stream message in two writes, split inside the message. */
  splitMessages?: boolean;
  /** Replays these exact bytes (each chunk one write) with this status and these headers: a recorded answer. */
  replay?: { status: number; headers: Record<string, string>; chunks: readonly Uint8Array[] };
}

export interface MockBedrockRequest {
  method: string;
  path: string;
  /** The decoded model id of `/model/{modelId}/…`. */
  modelId: string;
  operation: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Who signed it (the access key id), or the Bedrock API key sent as Bearer. */
  identity: string;
}

export interface MockBedrockOptions {
  region?: string;
  /** AWS credentials whose signatures are accepted. */
  credentials?: readonly MockAwsCredential[];
  /** Bedrock API keys accepted as `Authorization: Bearer`. */
  apiKeys?: readonly string[];
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface MockBedrock {
  /** `http://127.0.0.1:port`, for a provider's `baseUrl`. */
  url: string;
  region: string;
  /** Requests that passed authentication, in arrival order. */
  received: MockBedrockRequest[];
  /** Requests refused for their signature or key: the error type answered. */
  refused: string[];
  /** Queues a step for requests by `identity` (an access key id or API key), or by anyone (`*`). */
  script(identity: string, ...steps: MockBedrockStep[]): void;
  reset(): void;
  close(): Promise<void>;
}

export const MOCK_BEDROCK_TEXT = 'Hello from Claude on Bedrock.';
export const MOCK_BEDROCK_USAGE = { input_tokens: 12, output_tokens: 7 };

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** A stand-in for `bedrock-runtime`: checks SigV4 signatures (or API keys), serves InvokeModel, the stream, CountTokens. */
export async function startMockBedrock(options: MockBedrockOptions = {}): Promise<MockBedrock> {
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? [];
  const apiKeys = options.apiKeys ?? [];
  const queues = new Map<string, MockBedrockStep[]>();
  const received: MockBedrockRequest[] = [];
  const refused: string[] = [];

  const nextStep = (identity: string): MockBedrockStep => queues.get(identity)?.shift() ?? queues.get('*')?.shift() ?? {};

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = request.url ?? '/';
    const identity = await authenticate(request, path, body);
    if (!identity.ok) {
      refused.push(identity.errorType);
      sendError(response, 403, identity.errorType, identity.message);
      return;
    }
    const route = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|count-tokens)$/.exec(path);
    if (!route || request.method !== 'POST') {
      sendError(response, 404, 'UnknownOperationException', 'Unknown operation');
      return;
    }
    const modelId = decodeURIComponent(route[1]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      sendError(response, 400, 'ValidationException', 'Malformed input request, please reformat your input and try again.');
      return;
    }
    received.push({ method: request.method, path, modelId, operation: route[2], headers: request.headers, body: parsed, identity: identity.identity });
    const step = nextStep(identity.identity);
    if (step.replay) {
      response.writeHead(step.replay.status, step.replay.headers);
      for (const chunk of step.replay.chunks) await write(response, chunk);
      response.end();
      return;
    }
    if (step.error) {
      sendError(response, step.error.status, step.error.type, step.error.message);
      return;
    }
    // CountTokens carries the InvokeModel body, base64, in `input.invokeModel.body`.
    const invokeBody = route[2] === 'count-tokens' ? countedBody(parsed) : parsed;
    if ((invokeBody as { anthropic_version?: unknown } | undefined)?.anthropic_version !== 'bedrock-2023-05-31') {
      sendError(response, 400, 'ValidationException', 'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.');
      return;
    }
    if (route[2] === 'count-tokens') {
      sendJson(response, 200, { inputTokens: MOCK_BEDROCK_USAGE.input_tokens });
      return;
    }
    const text = step.text ?? MOCK_BEDROCK_TEXT;
    if (route[2] === 'invoke') sendJson(response, 200, blockingMessage(modelId, text, step.toolUse), { 'x-amzn-bedrock-input-token-count': '12', 'x-amzn-bedrock-output-token-count': '7' });
    else await sendStream(response, modelId, text, step);
  };

  const authenticate = async (request: IncomingMessage, path: string, body: Buffer) => {
    const authorization = String(request.headers.authorization ?? '');
    if (authorization.startsWith('Bearer ')) {
      const key = authorization.slice('Bearer '.length);
      return apiKeys.includes(key)
        ? { ok: true as const, identity: key }
        : { ok: false as const, errorType: 'UnrecognizedClientException' as const, message: 'Invalid API Key format: Must start with pre-defined prefix' };
    }
    const check = await verifySignature({ method: request.method ?? 'GET', path, headers: request.headers, body }, credentials, region);
    return check.ok ? { ok: true as const, identity: check.accessKeyId } : check;
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'InternalServerException', (error as Error).message);
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    region,
    received,
    refused,
    script(identity, ...steps) {
      const queue = queues.get(identity) ?? [];
      queue.push(...steps);
      queues.set(identity, queue);
    },
    reset() {
      queues.clear();
      received.length = 0;
      refused.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TOOL_USE_ID = 'toolu_bdrk_01MockToolCall';

function countedBody(request: unknown): unknown {
  const body = (request as { input?: { invokeModel?: { body?: unknown } } }).input?.invokeModel?.body;
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

function blockingMessage(modelId: string, text: string, toolUse?: MockBedrockStep['toolUse']): Record<string, unknown> {
  return {
    id: 'msg_bdrk_01MockBedrockAnswer',
    type: 'message',
    role: 'assistant',
    model: modelOf(modelId),
    content: toolUse ? [{ type: 'tool_use', id: TOOL_USE_ID, name: toolUse.name, input: toolUse.input }] : [{ type: 'text', text }],
    stop_reason: toolUse ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: MOCK_BEDROCK_USAGE,
  };
}

/** Bedrock's answers name the Anthropic model (`claude-…-2025…`), not the Bedrock id. */
function modelOf(modelId: string): string {
  return modelId.replace(/^(?:[a-z-]+\.)?anthropic\./, '').replace(/-v\d+:\d+$/, '');
}

/** The Anthropic stream events of an answer, as Bedrock sends them (the last carries its invocation metrics). */
export function mockBedrockStreamEvents(modelId: string, text: string, toolUse?: MockBedrockStep['toolUse']): Record<string, unknown>[] {
  const pieces = text.match(/.{1,8}/gs) ?? [''];
  const block = toolUse
    ? [
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: TOOL_USE_ID, name: toolUse.name, input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(toolUse.input) } },
      ]
    : [
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ...pieces.map((piece) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })),
      ];
  return [
    {
      type: 'message_start',
      message: { id: 'msg_bdrk_01MockBedrockStream', type: 'message', role: 'assistant', model: modelOf(modelId), content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: MOCK_BEDROCK_USAGE.input_tokens, output_tokens: 1 } },
    },
    ...block,
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: toolUse ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: MOCK_BEDROCK_USAGE.output_tokens } },
    {
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': { inputTokenCount: MOCK_BEDROCK_USAGE.input_tokens, outputTokenCount: MOCK_BEDROCK_USAGE.output_tokens, invocationLatency: 412, firstByteLatency: 187 },
    },
  ];
}

/** One `chunk` event of an `InvokeModelWithResponseStream` answer. */
export function encodeBedrockChunk(event: unknown): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64');
  return codec.encode({ headers: eventHeaders({ ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' }), body: fromUtf8(JSON.stringify({ bytes, p: 'abcdefgh' })) });
}

/** An exception message of the event stream (`:message-type: exception`). */
export function encodeBedrockException(type: string, message: string): Uint8Array {
  return codec.encode({ headers: eventHeaders({ ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' }), body: fromUtf8(JSON.stringify({ message })) });
}

function eventHeaders(values: Record<string, string>): MessageHeaders {
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(values)) headers[name] = { type: 'string', value };
  return headers;
}

async function sendStream(response: ServerResponse, modelId: string, text: string, step: MockBedrockStep): Promise<void> {
  response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-bedrock-content-type': 'application/json', 'x-amzn-requestid': 'mock-request-id' });
  const events = mockBedrockStreamEvents(modelId, text, step.toolUse);
  const cut = step.exceptionAfterEvents ?? events.length;
  const messages = events.slice(0, cut).map(encodeBedrockChunk);
  if (step.exceptionAfterEvents !== undefined) {
    const exception = step.exception ?? { type: 'modelStreamErrorException', message: 'The model stream failed.' };
    messages.push(encodeBedrockException(exception.type, exception.message));
  }
  for (const message of messages) {
    if (step.splitMessages) {
      const middle = Math.floor(message.length / 2);
      await write(response, message.subarray(0, middle));
      await write(response, message.subarray(middle));
    } else {
      await write(response, message);
    }
  }
  response.end();
}

function write(response: ServerResponse, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => response.write(bytes, (error) => (error ? reject(error) : resolve())));
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': 'mock-request-id', ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(response, status, { message }, { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
}
