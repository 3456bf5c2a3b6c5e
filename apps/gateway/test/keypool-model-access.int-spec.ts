import { MODEL_DENIED_COOLDOWN_MS, RedisKeyStateStore } from '@tollgate/keypool';
import { createTestRedisPrefix, dumpRedisKeyspace, FakeClock, startMockUpstream, testRedisUrl, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

/** 403 bodies as the providers send them when a key may not use one model. */
const OPENAI_DENIAL = (model: string) => ({
  status: 403,
  body: { error: { message: `Project \`proj_Xy12\` does not have access to model \`${model}\``, type: 'invalid_request_error', param: null, code: 'model_not_found' } },
});
const ANTHROPIC_DENIAL = (model: string) => ({
  status: 403,
  body: { type: 'error', error: { type: 'permission_error', message: `Your organization does not have access to ${model}.` } },
});
const KEYS = ['k0-long-key', 'k1-long-key', 'k2-long-key'];

describe('a key denied one model is skipped for that model only', () => {
  let mock: MockUpstream;
  let harness: Harness;
  let clock: FakeClock;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    mock.reset();
    clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
    harness = await startHarness({ mock, clock, keys: KEYS });
  });
  afterEach(() => harness.close());

  const chat = async (model: string, stream = false) => {
    const response = await fetch(`${harness.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: response.status, body: await response.text() };
  };
  const messages = async (model: string) => {
    const response = await fetch(`${harness.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: response.status, body: await response.text() };
  };
  const keyStates = async (provider: string) => {
    const response = await fetch(`${harness.url}/admin/v1/providers/${provider}/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: Array<{ state: string }> }).keys.map((key) => key.state);
  };

  it.each([false, true])('OpenAI (stream: %s): fails over, keeps the key for other models, skips it for this one until the cooldown ends', async (stream) => {
    mock.script('k0-long-key', OPENAI_DENIAL('gpt-restricted'));
    expect((await chat('gpt-restricted', stream)).status).toBe(200);
    expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key']);
    expect(await keyStates('openai')).toEqual(['valid', 'valid', 'valid']);

    expect((await chat('gpt-other', stream)).status).toBe(200);
    expect((await chat('gpt-restricted', stream)).status).toBe(200);
    expect(mock.keysSeen().slice(2)).toEqual(['k0-long-key', 'k1-long-key']);

    clock.advance(MODEL_DENIED_COOLDOWN_MS);
    expect((await chat('gpt-restricted', stream)).status).toBe(200);
    expect(mock.keysSeen().at(-1)).toBe('k0-long-key');
  });

  it('OpenAI: every key denied the model → 403 in OpenAI’s own shape (not a 502 blaming the pool); the pool still serves other models', async () => {
    for (const key of KEYS) mock.script(key, OPENAI_DENIAL('gpt-restricted'));
    const denied = await chat('gpt-restricted');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: null,
        message: 'the model "gpt-restricted" is not available through this gateway: the provider denied every configured key access to it',
      },
    });
    expect(mock.keysSeen()).toEqual(KEYS);
    // Known now on every key: refused at once, without asking the upstream again.
    expect((await chat('gpt-restricted')).status).toBe(403);
    expect(mock.keysSeen()).toHaveLength(3);
    expect(await keyStates('openai')).toEqual(['valid', 'valid', 'valid']);
    expect((await chat('gpt-other')).status).toBe(200);
    expect(mock.keysSeen().at(-1)).toBe('k0-long-key');
  });

  it('Anthropic: a permission_error naming the model is per model; every key denied → 403 permission_error', async () => {
    for (const key of KEYS) mock.script(key, ANTHROPIC_DENIAL('claude-opus-test'));
    const denied = await messages('claude-opus-test');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(await keyStates('anthropic')).toEqual(['valid', 'valid', 'valid']);
    expect((await messages('claude-haiku-test')).status).toBe(200);
  });

  it('a key-level 403 (no model named) still disables the key', async () => {
    mock.script('k0-long-key', {
      status: 403,
      body: { type: 'error', error: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' } },
    });
    expect((await messages('claude-opus-test')).status).toBe(200);
    expect(await keyStates('anthropic')).toEqual(['disabled', 'valid', 'valid']);
  });
});

describe('a model denial is shared by replicas through Redis', () => {
  it('A learns k0 is denied a model; B then skips k0 for that model only, and Redis holds no model name nor key', async () => {
    const prefix = createTestRedisPrefix();
    const mock = await startMockUpstream();
    const replica = () => startHarness({ mock, keys: KEYS, keyStateStore: new RedisKeyStateStore({ redis: testRedisUrl(), keyPrefix: prefix.prefix }) });
    const [a, b] = await Promise.all([replica(), replica()]);
    const chatOn = async (url: string, model: string) => {
      const response = await fetch(`${url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    try {
      mock.script('k0-long-key', OPENAI_DENIAL('gpt-restricted'));
      expect(await chatOn(a.url, 'gpt-restricted')).toBe(200);
      expect(mock.keysSeen()).toEqual(['k0-long-key', 'k1-long-key']);

      // B hears of it through pub/sub (within milliseconds); until then its requests still go to k0 (answered 200).
      const deadline = Date.now() + 2_000;
      do {
        mock.reset();
        expect(await chatOn(b.url, 'gpt-restricted')).toBe(200);
      } while (mock.keysSeen()[0] === 'k0-long-key' && Date.now() < deadline);
      expect(mock.keysSeen()).toEqual(['k1-long-key']);
      mock.reset();
      expect(await chatOn(b.url, 'gpt-other')).toBe(200);
      expect(mock.keysSeen()).toEqual(['k0-long-key']);

      const dump = await dumpRedisKeyspace(prefix.prefix, testRedisUrl());
      expect(dump).toContain('model_denied');
      expect(dump).not.toContain('gpt-restricted');
      for (const key of KEYS) expect(dump).not.toContain(key);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await mock.close();
      await prefix.cleanup();
    }
  });
});
