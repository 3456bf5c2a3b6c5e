import { RedisRateLimiter } from '@tollgate/limits';
import { createTestRedisPrefix, FakeClock, startMockUpstream, testRedisUrl, waitUntil, type MockUpstream, type TestRedisPrefix } from '@tollgate/testing';
import { estimateRequestTokens } from '@tollgate/usage';
import { ALICE_TOKEN, BOB_TOKEN, KEYS, errorJson, startHarness, type Harness } from './support/gateway-harness';

// Everyone's default: 4 requests and 1000 tokens a minute, 1 request at a time. The clock stands still within a test
// (exact counts, no refill) and jumps 10 minutes between tests (every bucket full, every lease expired).
const LIMITS = { requestsPerMinute: 4, tokensPerMinute: 1000, concurrent: 1 };
const CHAT = { model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] };
const MESSAGE = { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] };
/** What a chat request above reserves: its bytes / 4 plus its max_tokens. */
const CHAT_ESTIMATE = (() => {
  const { inputTokens, outputTokens } = estimateRequestTokens({ body: CHAT, bodyBytes: Buffer.byteLength(JSON.stringify(CHAT)) }, { charsPerToken: 4, defaultMaxOutputTokens: 4096 });
  return inputTokens + outputTokens;
})();
/** MOCK_CHAT_USAGE: 10 uncached + 2 cached input, 7 output. */
const CHAT_USAGE = 19;

interface LimitItem {
  scope: string;
  id: string;
  kind: string;
  limit: number;
  remaining: number;
  resetsAt: string | null;
}

describe('rate and concurrency limits across two gateway replicas sharing Redis', () => {
  let mock: MockUpstream;
  let prefix: TestRedisPrefix;
  let clock: FakeClock;
  let a: Harness;
  let b: Harness;

  function chat(harness: Harness, token: string, options: { stream?: boolean; signal?: AbortSignal } = {}): Promise<Response> {
    return fetch(`${harness.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(options.stream ? { ...CHAT, stream: true } : CHAT),
      signal: options.signal,
    });
  }

  function message(harness: Harness, token: string, options: { stream?: boolean } = {}): Promise<Response> {
    return fetch(`${harness.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': token, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(options.stream ? { ...MESSAGE, stream: true } : MESSAGE),
    });
  }

  async function myLimits(harness: Harness, token: string): Promise<LimitItem[]> {
    const response = await fetch(`${harness.url}/v1/me/limits`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: LimitItem[] }).items;
  }

  /** Polls `/v1/me/limits` until the caller's `kind` counter shows `remaining` (settles and releases follow the answer). */
  async function waitForRemaining(harness: Harness, token: string, kind: string, remaining: number): Promise<void> {
    await waitUntil(
      async () => (await myLimits(harness, token)).find((candidate) => candidate.kind === kind)?.remaining === remaining,
      `${kind} showing ${remaining} remaining`,
    );
  }

  /** Reads a streamed answer up to its first chunk: the request is running upstream and holds its slot. */
  async function firstChunk(response: Response): Promise<ReadableStreamDefaultReader<Uint8Array>> {
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    return reader;
  }

  async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    while (!(await reader.read()).done);
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    prefix = createTestRedisPrefix();
    clock = new FakeClock(Date.UTC(2026, 11, 3, 8, 0, 0));
    const replica = () =>
      startHarness({
        mock,
        clock,
        limits: { default: LIMITS },
        rateLimiter: new RedisRateLimiter({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:`, clock }),
      });
    [a, b] = await Promise.all([replica(), replica()]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await mock.close();
    await prefix.cleanup();
  });

  beforeEach(() => {
    clock.advance(10 * 60_000);
    mock.reset();
  });

  it('admits exactly N requests a minute across both replicas; the next is refused on either', async () => {
    const statuses: number[] = [];
    for (const replica of [a, b, a, b]) {
      const response = await chat(replica, ALICE_TOKEN);
      await response.text();
      statuses.push(response.status);
      await waitForRemaining(replica, ALICE_TOKEN, 'concurrency', 1);
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    for (const replica of [a, b]) {
      const refused = await chat(replica, ALICE_TOKEN);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('15');
      expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(await errorJson(refused)).toEqual({
        error: {
          type: 'rate_limit_error',
          code: 'request_limit_exceeded',
          param: null,
          message: 'request limit exceeded for your user (4 requests per minute); retry in 15 s',
        },
      });
    }
    expect(mock.received).toHaveLength(4);
  });

  it('reserves the token estimate and settles it with the usage the upstream reported', async () => {
    const first = await chat(a, BOB_TOKEN);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(String(LIMITS.tokensPerMinute - CHAT_ESTIMATE));
    await first.text();
    await waitForRemaining(b, BOB_TOKEN, 'token', LIMITS.tokensPerMinute - CHAT_USAGE);

    // An answer that used far more than its estimate takes the bucket below zero: the next request waits.
    mock.script('*', { body: chatCompletionUsing(4000, 1000) });
    const heavy = await chat(b, BOB_TOKEN);
    expect(heavy.status).toBe(200);
    await heavy.text();
    const level = LIMITS.tokensPerMinute - CHAT_USAGE - 5000;
    await waitForRemaining(a, BOB_TOKEN, 'token', 0);
    const refused = await chat(a, BOB_TOKEN);
    expect(refused.status).toBe(429);
    expect((await errorJson(refused)).error.code).toBe('token_limit_exceeded');
    expect(refused.headers.get('retry-after')).toBe(String(Math.ceil(((CHAT_ESTIMATE - level) * 60) / LIMITS.tokensPerMinute)));
  });

  it('holds a concurrency slot while a stream runs and frees it when the stream ends', async () => {
    mock.script('*', { chunks: 5, chunkDelayMs: 200 });
    const running = await firstChunk(await chat(a, ALICE_TOKEN, { stream: true }));
    const refused = await chat(b, ALICE_TOKEN);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await errorJson(refused)).error).toMatchObject({ code: 'concurrency_limit_exceeded', type: 'rate_limit_error' });
    await drain(running);
    await waitForRemaining(b, ALICE_TOKEN, 'concurrency', 1);
    const next = await chat(b, ALICE_TOKEN);
    expect(next.status).toBe(200);
    await next.text();
  });

  it('frees the slot when the client aborts mid-stream', async () => {
    mock.script('*', { stallAfterChunks: 1 });
    const controller = new AbortController();
    await firstChunk(await chat(a, ALICE_TOKEN, { stream: true, signal: controller.signal }));
    expect((await chat(b, ALICE_TOKEN)).status).toBe(429);
    controller.abort();
    await mock.waitForAbort(0);
    await waitForRemaining(b, ALICE_TOKEN, 'concurrency', 1);
    const next = await chat(b, ALICE_TOKEN);
    expect(next.status).toBe(200);
    await next.text();
  });

  it('frees the slot when the upstream answers an error', async () => {
    for (const key of KEYS) mock.script(key, { status: 500 });
    const failed = await chat(a, ALICE_TOKEN);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await failed.text();
    await waitForRemaining(b, ALICE_TOKEN, 'concurrency', 1);
    const next = await chat(b, ALICE_TOKEN);
    expect(next.status).toBe(200);
    await next.text();
  });

  it("describes the caller's limits in OpenAI headers, blocking and streaming, replacing the upstream's", async () => {
    const upstreamHeaders = { 'x-ratelimit-limit-requests': '10000', 'x-ratelimit-remaining-tokens': '1999999', 'x-ratelimit-reset-requests': '6ms' };
    mock.script('*', { headers: upstreamHeaders }, { headers: upstreamHeaders });
    const blocking = await chat(a, ALICE_TOKEN);
    await blocking.text();
    expect(rateLimitHeadersOf(blocking)).toEqual({
      'x-ratelimit-limit-requests': '4',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '15s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': String(1000 - CHAT_ESTIMATE),
      'x-ratelimit-reset-tokens': `${Math.ceil((CHAT_ESTIMATE * 60) / 1000)}s`,
    });
    await waitForRemaining(b, ALICE_TOKEN, 'concurrency', 1);
    const streaming = await chat(b, ALICE_TOKEN, { stream: true });
    await streaming.text();
    expect(streaming.headers.get('content-type')).toContain('text/event-stream');
    expect(rateLimitHeadersOf(streaming)).toMatchObject({ 'x-ratelimit-limit-requests': '4', 'x-ratelimit-remaining-requests': '2', 'x-ratelimit-reset-requests': '30s' });
  });

  it("describes the caller's limits in Anthropic headers, blocking, streaming and refused", async () => {
    const upstreamHeaders = { 'anthropic-ratelimit-requests-limit': '4000', 'anthropic-ratelimit-input-tokens-limit': '400000' };
    mock.script('*', { headers: upstreamHeaders }, { headers: upstreamHeaders });
    const resetIn = (seconds: number) => new Date(clock.now() + seconds * 1000).toISOString().replace('.000Z', 'Z');
    const blocking = await message(a, ALICE_TOKEN);
    await blocking.text();
    expect(rateLimitHeadersOf(blocking)).toMatchObject({
      'anthropic-ratelimit-requests-limit': '4',
      'anthropic-ratelimit-requests-remaining': '3',
      'anthropic-ratelimit-requests-reset': resetIn(15),
      'anthropic-ratelimit-tokens-limit': '1000',
    });
    expect(blocking.headers.get('anthropic-ratelimit-input-tokens-limit')).toBeNull();
    await waitForRemaining(b, ALICE_TOKEN, 'concurrency', 1);
    const streaming = await message(b, ALICE_TOKEN, { stream: true });
    await streaming.text();
    expect(rateLimitHeadersOf(streaming)).toMatchObject({ 'anthropic-ratelimit-requests-remaining': '2', 'anthropic-ratelimit-requests-reset': resetIn(30) });
    for (const replica of [a, b]) {
      await waitForRemaining(replica, ALICE_TOKEN, 'concurrency', 1);
      await (await message(replica, ALICE_TOKEN)).text();
    }
    const refused = await message(a, ALICE_TOKEN);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('15');
    expect(rateLimitHeadersOf(refused)).toMatchObject({ 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': resetIn(60) });
    expect(await errorJson(refused)).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'request limit exceeded for your user (4 requests per minute); retry in 15 s' },
    });
  });
});

function rateLimitHeadersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-')) headers[name] = value;
  });
  return headers;
}

function chatCompletionUsing(promptTokens: number, completionTokens: number): unknown {
  return {
    id: 'chatcmpl-heavy',
    object: 'chat.completion',
    created: 1_764_748_800,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'long answer' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}
