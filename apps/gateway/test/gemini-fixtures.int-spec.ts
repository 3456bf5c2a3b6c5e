import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hint } from '@tollgate/keypool';
import {
  GEMINI_BAD_REQUEST_BODY,
  GEMINI_BATCH_EMBED_BODY,
  GEMINI_BLOCKING_BODY,
  GEMINI_EMBED_CONTENT_BODY,
  GEMINI_ERROR_STREAM,
  GEMINI_FUNCTION_CALL_BODY,
  GEMINI_INVALID_KEY_BODY,
  GEMINI_NOT_FOUND_BODY,
  GEMINI_RATE_LIMIT_BODY,
  GEMINI_REQUEST,
  GEMINI_TEXT_STREAM,
  waitFor,
} from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const POOL_KEY = 'AIzaSyPoolKey-0000000000000';
const USER_KEY = 'AIzaSyUserKey-1111111111111';

interface Recorded {
  status: number;
  contentType: string;
  /** Sent exactly as these bytes. */
  body: string;
}

/** An upstream that answers each request with the next recorded response, byte for byte, and keeps what it got. */
async function startReplayUpstream() {
  const queue: Recorded[] = [];
  const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(parts).toString('utf8') });
      const next = queue.shift() ?? { status: 500, contentType: 'application/json', body: '{"error":{"code":500,"message":"no fixture queued","status":"INTERNAL"}}' };
      response.writeHead(next.status, { 'content-type': next.contentType, 'content-length': Buffer.byteLength(next.body) });
      response.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    queue,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const json = (status: number, body: unknown): Recorded => ({ status, contentType: 'application/json; charset=UTF-8', body: JSON.stringify(body, null, 2) });
const sse = (body: string): Recorded => ({ status: 200, contentType: 'text/event-stream', body });

/**
 * Request/response pairs in the shapes of Google's Gemini API reference, replayed through the gateway: the client
 * gets the upstream's bytes unchanged (blocking, streaming and errors), the request body goes up unchanged, and the
 * record holds what the answer says.
 */
describe('Gemini fixtures replayed through the gateway', () => {
  let upstream: Awaited<ReturnType<typeof startReplayUpstream>>;
  let harness: Harness;

  beforeAll(async () => {
    upstream = await startReplayUpstream();
  });
  afterAll(() => upstream.close());
  beforeEach(async () => {
    upstream.queue.length = 0;
    upstream.received.length = 0;
    harness = await startHarness({ providers: [{ name: 'gemini', type: 'gemini', baseUrl: upstream.url, keys: [POOL_KEY] }] });
  });
  afterEach(() => harness.close());

  const requestBody = JSON.stringify(GEMINI_REQUEST, null, 1);
  const send = (path: string, headers: Record<string, string> = { 'x-goog-api-key': ALICE_TOKEN }) =>
    fetch(`${harness.url}/gemini${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: requestBody });
  const lastEnded = async () => {
    const find = () => harness.sink.events.find((event) => event.name === 'interception.started');
    const started = await waitFor(find, (event) => event !== undefined, 'the interception to be recorded', 5_000);
    return harness.sink.waitForEnded(started!.interceptionId);
  };

  const replays: Array<[string, string, Recorded, Record<string, unknown>]> = [
    ['generateContent', '/v1beta/models/gemini-2.5-flash:generateContent', json(200, GEMINI_BLOCKING_BODY), {
      tokenUsages: [{ providerResponseId: GEMINI_BLOCKING_BODY.responseId, inputTokens: 60, outputTokens: 445, cacheReadInputTokens: 2048, cacheWriteInputTokens: 0, extra: { thoughtsTokenCount: 433 } }],
    }],
    ['generateContent with a function call', '/v1beta/models/gemini-2.5-pro:generateContent', json(200, GEMINI_FUNCTION_CALL_BODY), {
      toolUsages: [expect.objectContaining({ tool: 'schedule_meeting', injected: false, providerResponseId: GEMINI_FUNCTION_CALL_BODY.responseId })],
    }],
    ['streamGenerateContent?alt=sse', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', sse(GEMINI_TEXT_STREAM), {
      tokenUsages: [{ providerResponseId: 'SKtLaZ2YGN2mnvgPjaWL0Q0', inputTokens: 9, outputTokens: 478, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, extra: { thoughtsTokenCount: 467 } }],
    }],
    ['a stream ended by an error object', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', sse(GEMINI_ERROR_STREAM), {
      error: { type: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' },
    }],
    ['embedContent', '/v1beta/models/gemini-embedding-001:embedContent', json(200, GEMINI_EMBED_CONTENT_BODY), { tokenUsages: [] }],
    ['batchEmbedContents', '/v1beta/models/gemini-embedding-001:batchEmbedContents', json(200, GEMINI_BATCH_EMBED_BODY), { tokenUsages: [] }],
    ['a 400 INVALID_ARGUMENT (read by the key pool, then relayed)', '/v1beta/models/gemini-2.5-flash:generateContent', json(400, GEMINI_BAD_REQUEST_BODY), {
      error: { type: 'upstream_error', message: expect.stringContaining('upstream answered 400: Invalid JSON payload') },
    }],
    ['a 400 INVALID_ARGUMENT on a stream route', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', json(400, GEMINI_BAD_REQUEST_BODY), {
      error: { type: 'upstream_error', message: expect.stringContaining('upstream answered 400') },
    }],
    ['a 404 NOT_FOUND', '/v1beta/models/gemini-0.9-flash:generateContent', json(404, GEMINI_NOT_FOUND_BODY), {
      error: { type: 'upstream_error', message: expect.stringContaining('upstream answered 404') },
    }],
  ];

  it.each(replays)('%s: the client gets the upstream bytes, the request went up unchanged', async (_name, path, recorded, expectedRecord) => {
    upstream.queue.push(recorded);
    const response = await send(path);
    expect(response.status).toBe(recorded.status);
    expect(response.headers.get('content-type')).toBe(recorded.status === 200 && recorded.contentType === 'text/event-stream' ? 'text/event-stream' : recorded.contentType);
    expect(await response.text()).toBe(recorded.body);

    const [sent] = upstream.received;
    expect(sent.url).toBe(path);
    expect(sent.body).toBe(requestBody);
    expect(sent.headers['x-goog-api-key']).toBe(POOL_KEY);
    expect(await lastEnded()).toMatchObject({ credentialHint: hint(POOL_KEY), ...expectedRecord });
  });

  it.each([
    ['429 RESOURCE_EXHAUSTED with RetryInfo', json(429, GEMINI_RATE_LIMIT_BODY)],
    ['400 API_KEY_INVALID', json(400, GEMINI_INVALID_KEY_BODY)],
  ])('BYOK: a %s is the answer, bytes unchanged, and no pool key is touched', async (_name, recorded) => {
    upstream.queue.push(recorded);
    const response = await send('/v1beta/models/gemini-2.5-flash:generateContent', { 'x-tollgate-token': ALICE_TOKEN, 'x-goog-api-key': USER_KEY });
    expect(response.status).toBe(recorded.status);
    expect(await response.text()).toBe(recorded.body);
    expect(upstream.received.map((request) => request.headers['x-goog-api-key'])).toEqual([USER_KEY]);
  });

  it('pool: a 429 with RetryInfo cools the only key for its delay; the client gets a Google-shaped 429', async () => {
    upstream.queue.push(json(429, GEMINI_RATE_LIMIT_BODY));
    const response = await send('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('38');
    expect(await response.json()).toEqual({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: expect.any(String) } });
  });
});
