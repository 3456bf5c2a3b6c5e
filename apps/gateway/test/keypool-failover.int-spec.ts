import { FakeClock, startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const T0 = Date.parse('2026-11-22T10:00:00Z');

interface ApiCase {
  api: string;
  provider: 'openai' | 'anthropic';
  path: string;
  body: (stream: boolean) => string;
  headers: Record<string, string>;
}

const APIS: ApiCase[] = [
  {
    api: 'chat completions',
    provider: 'openai',
    path: '/openai/v1/chat/completions',
    body: (stream) => JSON.stringify({ model: 'gpt-test', stream, messages: [{ role: 'user', content: 'hi' }] }),
    headers: { authorization: `Bearer ${ALICE_TOKEN}` },
  },
  {
    api: 'responses',
    provider: 'openai',
    path: '/openai/v1/responses',
    body: (stream) => JSON.stringify({ model: 'gpt-test', stream, input: 'hi' }),
    headers: { authorization: `Bearer ${ALICE_TOKEN}` },
  },
  {
    api: 'anthropic messages',
    provider: 'anthropic',
    path: '/anthropic/v1/messages',
    body: (stream) => JSON.stringify({ model: 'claude-test', max_tokens: 10, stream, messages: [{ role: 'user', content: 'hi' }] }),
    headers: { 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
  },
];

const CASES = APIS.flatMap((api) => [false, true].map((stream) => ({ ...api, stream, label: `${api.api} (${stream ? 'streaming' : 'blocking'})` })));

describe.each(CASES)('key pool failover: $label', (apiCase) => {
  let mock: MockUpstream;
  let harness: Harness;
  let clock: FakeClock;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    mock.reset();
    clock = new FakeClock(T0);
    harness = await startHarness({ mock, clock });
  });
  afterEach(() => harness.close());

  const send = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${harness.url}${apiCase.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...apiCase.headers, ...headers },
      body: apiCase.body(apiCase.stream),
    });
    return { response, text: await response.text() };
  };
  const keyStates = async () => {
    const response = await fetch(`${harness.url}/admin/v1/providers/${apiCase.provider}/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: Array<{ state: string; reason?: string; until?: string }> }).keys;
  };
  const expectSuccess = ({ response, text }: { response: Response; text: string }) => {
    expect(response.status).toBe(200);
    if (apiCase.stream) {
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(text).not.toMatch(/event: error|data: \{"error"|"type":"error"|response\.failed/);
    }
  };
  const errorShape = (text: string) => {
    const body = JSON.parse(text);
    return apiCase.provider === 'openai' ? { type: body.error.type, code: body.error.code, message: body.error.message } : { type: body.error.type, message: body.error.message };
  };

  it('one key OK', async () => {
    expectSuccess(await send());
    expect(mock.keysSeen()).toEqual(['k0-long-key']);
  });

  it.each([
    [429, 'cooling', 'rate_limited'],
    [401, 'disabled', 'unauthorized'],
    [403, 'disabled', 'forbidden'],
  ])('%i on the first key, success on the next; the failed key is %s', async (status, state, reason) => {
    mock.script('k0-long-key', { status, headers: status === 429 ? { 'retry-after': '30' } : {} });
    expectSuccess(await send());
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key']);
    expect((await keyStates())[0]).toMatchObject({ state, reason });
  });

  it('all keys rate-limited: 429 with the smallest Retry-After, provider-shaped', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '30' } });
    mock.script('k1-long-key', { status: 429, headers: { 'retry-after': '10' } });
    mock.script('k2-long-key', { status: 429, headers: { 'retry-after': '20' } });
    const { response, text } = await send();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(response.headers.get('content-type')).toContain('application/json');
    const expected =
      apiCase.provider === 'openai'
        ? { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'all configured keys are rate-limited (retry after 10s)' }
        : { type: 'rate_limit_error', message: 'all configured keys are rate-limited (retry after 10s)' };
    expect(errorShape(text)).toEqual(expected);
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key', 'k2-long-key']);
  });

  it('all keys disabled: 502 without Retry-After', async () => {
    for (const key of ['k0-long-key', 'k1-long-key', 'k2-long-key']) mock.script(key, { status: 401 });
    const { response, text } = await send();
    expect(response.status).toBe(502);
    expect(response.headers.get('retry-after')).toBeNull();
    const expected =
      apiCase.provider === 'openai'
        ? { type: 'api_error', code: 'server_error', message: 'all configured keys failed authentication' }
        : { type: 'api_error', message: 'all configured keys failed authentication' };
    expect(errorShape(text)).toEqual(expected);
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key', 'k2-long-key']);
    // Every key is now disabled: the next request goes nowhere upstream.
    mock.reset();
    expect((await send()).response.status).toBe(502);
    expect(mock.keysSeen()).toEqual([]);
  });

  it('mixed disabled and cooling: 429', async () => {
    mock.script('k0-long-key', { status: 401 });
    mock.script('k1-long-key', { status: 429, headers: { 'retry-after': '5' } });
    mock.script('k2-long-key', { status: 403 });
    const { response, text } = await send();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('content-type')).toContain('application/json');
    const message = 'all configured keys are rate-limited (retry after 5s)';
    expect(errorShape(text)).toEqual(
      apiCase.provider === 'openai' ? { type: 'rate_limit_error', code: 'rate_limit_exceeded', message } : { type: 'rate_limit_error', message },
    );
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key', 'k2-long-key']);
    expect((await keyStates()).map(({ state, reason }) => [state, reason])).toEqual([
      ['disabled', 'unauthorized'],
      ['cooling', 'rate_limited'],
      ['disabled', 'forbidden'],
    ]);
  });

  it('500 does not fail over', async () => {
    mock.script('k0-long-key', { status: 500 });
    const { response } = await send();
    expect(response.status).toBe(500);
    expect(mock.keysSeen()).toEqual(['k0-long-key']);
    expect((await keyStates())[0].state).toBe('valid');
  });

  it('BYOK does not fail over, keeps the upstream Retry-After and leaves the pool alone', async () => {
    const byokKey = apiCase.provider === 'openai' ? 'sk-user-own-key' : 'sk-ant-user-own-key';
    mock.script(byokKey, { status: 429, headers: { 'retry-after': '9' } });
    const credentialHeader: Record<string, string> = apiCase.provider === 'openai' ? { authorization: `Bearer ${byokKey}` } : { 'x-api-key': byokKey };
    const { response } = await send({ 'x-tollgate-token': ALICE_TOKEN, ...credentialHeader });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('9');
    expect(mock.keysSeen()).toEqual([byokKey]);
    expect((await keyStates()).map((key) => key.state)).toEqual(['valid', 'valid', 'valid']);
  });

  it('state carries over to the next request and to passthrough routes', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '60' } });
    await send();
    await send();
    const modelsPath = apiCase.provider === 'openai' ? '/openai/v1/models' : '/anthropic/v1/models';
    await fetch(`${harness.url}${modelsPath}`, { headers: apiCase.headers });
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key', 'k1-long-key', 'k1-long-key']);
  });

  it('cooldown expiry brings the key back', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '30' } });
    await send();
    clock.advance(29_000);
    await send();
    clock.advance(1_001);
    await send();
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key', 'k1-long-key', 'k0-long-key']);
  });

  it('retry-after-ms wins over Retry-After', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '100' } });
    expectSuccess(await send());
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key']);
    expect((await keyStates())[0].until).toBe(new Date(T0 + 1500).toISOString());
  });

  it('parses an HTTP-date Retry-After', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': new Date(T0 + 120_000).toUTCString() } });
    expectSuccess(await send());
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key']);
    expect((await keyStates())[0].until).toBe(new Date(T0 + 120_000).toISOString());
  });
});

describe.each(CASES.filter((apiCase) => apiCase.stream))('key pool, once the stream has started: $label', (apiCase) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.mock.reset());

  it.each([
    ['an error event', { errorAfterChunks: 2 }],
    ['a dropped connection', { dropAfterChunks: 2 }],
  ])('%s mid-stream is relayed as an SSE error, and no other key is tried', async (_label, step) => {
    harness.mock.script('k0-long-key', step);
    const response = await fetch(`${harness.url}${apiCase.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...apiCase.headers },
      body: apiCase.body(true),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toMatch(/event: error|data: \{"error"|"type":"error"/);
    expect(harness.mock.keysSeen()).toEqual(['k0-long-key']);
    const keys = await fetch(`${harness.url}/admin/v1/providers/${apiCase.provider}/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(((await keys.json()) as { keys: Array<{ state: string }> }).keys.map((key) => key.state)).toEqual(['valid', 'valid', 'valid']);
  });
});

describe('key pool: passthrough failover replays the body', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('count_tokens fails over with the same bytes on each attempt', async () => {
    harness.mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '5' } });
    const body = '{"model":"claude-test","messages":[{"role":"user","content":"count"}],"x":12345678901234567890}';
    const response = await fetch(`${harness.url}/anthropic/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN },
      body,
    });
    expect(response.status).toBe(200);
    expect(harness.mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key']);
    expect(harness.mock.received.map((request) => request.rawBody.toString())).toEqual([body, body]);
  });
});

describe('key pool admin', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('lists hints and states, never a key, and re-enables a key', async () => {
    harness.mock.script('k0-long-key', { status: 401 });
    await fetch(`${harness.url}/openai/v1/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const listed = await (await fetch(`${harness.url}/admin/v1/providers/openai/keys`, { headers: auth })).text();
    expect(listed).not.toContain('long-key');
    expect(JSON.parse(listed).keys[0]).toMatchObject({ position: 0, hint: 'k0...ey', state: 'disabled', reason: 'unauthorized' });
    const enabled = await fetch(`${harness.url}/admin/v1/providers/openai/keys/0/enable`, { method: 'POST', headers: auth });
    expect(enabled.status).toBe(200);
    expect(((await enabled.json()) as { key: unknown }).key).toMatchObject({ position: 0, state: 'valid' });
    expect(harness.logs.join('')).not.toContain('k0-long-key');
  });

  it('refuses without an admin token', async () => {
    expect((await fetch(`${harness.url}/admin/v1/providers/openai/keys`)).status).toBe(401);
    expect((await fetch(`${harness.url}/admin/v1/providers/openai/keys`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } })).status).toBe(401);
  });
});
