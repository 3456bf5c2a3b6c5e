import type { IncomingHttpHeaders } from 'node:http';

/** `azure`: Azure OpenAI under `/azure/openai/` (keys in `api-key` or as a Bearer; Azure's error shapes). */
export type MockProvider = 'openai' | 'anthropic' | 'gemini' | 'azure';

export interface MockToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * One scripted answer. Steps are queued per credential (or for every credential with '*') and consumed one per
 * request; an empty queue means the default success answer.
 *
 * Streaming interruptions count text chunks (or tool-call argument fragments). The stream's opening events
 * (`response.created`, `message_start`, the chat role chunk) are always sent first; when N is larger than the number
 * of chunks, the interruption happens after the last chunk, before the closing events.
 * On a blocking (non-streaming) request `dropAfterChunks`/`stallAfterChunks` of 0 act before any header is sent,
 * any larger N sends the headers and half of the body first; `errorAfterChunks` does not apply.
 */
export interface MockStep {
  /** Response status; a status >= 400 answers a provider-shaped error body unless `body` is given. */
  status?: number;
  /** Extra response headers, e.g. `{ 'retry-after': '3' }`. */
  headers?: Record<string, string>;
  /** Replaces the whole body: sent as JSON, or verbatim (text/plain) when it is a string. */
  body?: unknown;
  /** Wait before sending headers (time to first byte). */
  delayMs?: number;
  /** Number of text delta chunks when streaming (capped at the text length). */
  chunks?: number;
  /** Wait before each streamed chunk. */
  chunkDelayMs?: number;
  /** Stream: send N chunks, then an error event in the provider's SSE error format, then end. */
  errorAfterChunks?: number;
  /** Stream: send N chunks, then destroy the socket. */
  dropAfterChunks?: number;
  /** Stream: send N chunks, then go silent until the client aborts. */
  stallAfterChunks?: number;
  /** Answer with a tool call in the endpoint's own shape. */
  toolCall?: MockToolCall;
  /** Assistant text (default: `mockText(chunks)`). */
  text?: string;
}

export interface ReceivedRequest {
  /** Position in `received` (arrival order, from 0). */
  index: number;
  provider: MockProvider | undefined;
  method: string;
  /** Full path without the query, e.g. `/openai/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Bearer token, Anthropic `x-api-key`, Azure `api-key`, Gemini `x-goog-api-key` or `key` query parameter; undefined when none. */
  credential: string | undefined;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  rawBody: Buffer;
  /** The client closed the connection before the response was complete. */
  aborted: boolean;
  /** What the mock chose to answer (set as the request arrives). */
  answer?: MockAnswer;
}

/**
 * An answer as planned, for tests to compare with what a client got through the gateway. A scripted interruption
 * (`errorAfterChunks`, `dropAfterChunks`, `stallAfterChunks`) cuts the sent stream or body short of this.
 */
export interface MockAnswer {
  status: number;
  /** Blocking answers: the JSON body (a string when sent as text). */
  body?: unknown;
  /** Streamed answers: the parsed `data` of each SSE event in order, without the closing `[DONE]`. */
  events?: unknown[];
}

export interface MockUpstreamOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keep `received` (default true); turn off for benchmarks. */
  record?: boolean;
  /** Text chunks per stream when a step does not say (default `MOCK_DEFAULT_CHUNKS`). */
  defaultChunks?: number;
  /** Delay before each streamed chunk when a step does not say (default 0). */
  defaultChunkDelayMs?: number;
}

export interface MockUpstream {
  /** `http://HOST:PORT` */
  readonly url: string;
  /** `http://HOST:PORT/openai/v1/` — an OpenAI client's baseURL. */
  readonly openaiBaseUrl: string;
  /** `http://HOST:PORT/anthropic/` — an Anthropic client's baseURL. */
  readonly anthropicBaseUrl: string;
  /** `http://HOST:PORT/gemini/` — a Gemini client's base URL (its paths start with `v1beta/`). */
  readonly geminiBaseUrl: string;
  /** `http://HOST:PORT/azure/` — an Azure OpenAI resource endpoint (the classic form's paths start `/openai/…`). */
  readonly azureEndpoint: string;
  /** `http://HOST:PORT/azure/openai/v1/` — Azure OpenAI's v1 endpoint. */
  readonly azureV1BaseUrl: string;
  readonly port: number;
  /** Every request received, in arrival order (empty when recording is off). */
  readonly received: readonly ReceivedRequest[];
  /** Queues steps for one credential, or for any credential with '*' (a credential's own queue is used first). */
  script(credential: string, ...steps: MockStep[]): void;
  /** Credentials of the received requests, in arrival order. */
  keysSeen(): string[];
  /** Clears the scripts and the received requests. */
  reset(): void;
  /** Resolves with request `index` once it has arrived. */
  waitForRequest(index: number, timeoutMs?: number): Promise<ReceivedRequest>;
  /** Resolves once the client aborted request `index` (closed it before the response was complete). */
  waitForAbort(index: number, timeoutMs?: number): Promise<ReceivedRequest>;
  /** Stops listening and destroys open connections (including stalled streams). */
  close(): Promise<void>;
}
