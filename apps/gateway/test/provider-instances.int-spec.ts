import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, errorJson, startHarness, type Harness } from './support/gateway-harness';

const OPENAI_KEY = 'sk-openai-instance-key';
const OPENROUTER_KEY = 'sk-or-instance-key-0';
const OPENROUTER_KEY_2 = 'sk-or-instance-key-1';
const CLAUDE_KEY = 'sk-ant-claude-instance-key';

/**
 * Provider instances are routed by name, not by type: `openrouter` is a second instance of type openai (its own
 * upstream and keys), `claude` is an anthropic instance under a name that is not its type.
 */
describe('provider instances: routing by name', () => {
  let primary: MockUpstream;
  let openrouter: MockUpstream;
  let harness: Harness;

  beforeAll(async () => {
    primary = await startMockUpstream();
    openrouter = await startMockUpstream();
    harness = await startHarness({
      mock: primary,
      providers: [
        { name: 'openai', type: 'openai', baseUrl: primary.openaiBaseUrl, keys: [OPENAI_KEY] },
        { name: 'openrouter', type: 'openai', baseUrl: openrouter.openaiBaseUrl, keys: [OPENROUTER_KEY, OPENROUTER_KEY_2] },
        { name: 'claude', type: 'anthropic', baseUrl: primary.anthropicBaseUrl, keys: [CLAUDE_KEY] },
      ],
    });
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await openrouter.close();
  });
  beforeEach(() => {
    primary.reset();
    openrouter.reset();
  });

  const chat = (name: string) =>
    fetch(`${harness.url}/${name}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
  const messages = (name: string) =>
    fetch(`${harness.url}/${name}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
  const keyStates = async (name: string) => {
    const response = await fetch(`${harness.url}/admin/v1/providers/${name}/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: Array<{ hint: string; state: string }> }).keys.map((key) => key.state);
  };

  it('/openrouter/v1/chat/completions reaches the second upstream with its own key', async () => {
    const response = await chat('openrouter');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { object: string }).object).toBe('chat.completion');
    expect(openrouter.received.map((request) => [request.path, request.credential])).toEqual([['/openai/v1/chat/completions', OPENROUTER_KEY]]);
    expect(primary.received).toEqual([]);

    const interceptionId = response.headers.get('x-tollgate-interception-id')!;
    expect(await harness.sink.waitForStarted(interceptionId)).toMatchObject({ providerName: 'openrouter', providerType: 'openai' });
  });

  it('/openai/v1/chat/completions still reaches the first upstream with its key', async () => {
    expect((await chat('openai')).status).toBe(200);
    expect(primary.received.map((request) => [request.path, request.credential])).toEqual([['/openai/v1/chat/completions', OPENAI_KEY]]);
    expect(openrouter.received).toEqual([]);
  });

  it('passthrough routes of an instance go to its own upstream', async () => {
    const response = await fetch(`${harness.url}/openrouter/v1/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(openrouter.received.map((request) => [request.method, request.path, request.credential])).toEqual([['GET', '/openai/v1/models', OPENROUTER_KEY]]);
    expect(primary.received).toEqual([]);
  });

  it('/claude/v1/messages works for an anthropic instance named claude', async () => {
    const response = await messages('claude');
    expect(response.status).toBe(200);
    expect((await response.json()) as { type: string; model: string }).toMatchObject({ type: 'message', model: 'claude-test' });
    const [received] = primary.received;
    expect([received.path, received.headers['x-api-key']]).toEqual(['/anthropic/v1/messages', CLAUDE_KEY]);
    expect(await harness.sink.waitForStarted(response.headers.get('x-tollgate-interception-id')!)).toMatchObject({
      providerName: 'claude',
      providerType: 'anthropic',
    });
  });

  it('each instance has its own key pool', async () => {
    openrouter.script(OPENROUTER_KEY, { status: 429, headers: { 'retry-after': '60' } });
    expect((await chat('openrouter')).status).toBe(200);
    expect(openrouter.keysSeen()).toEqual([OPENROUTER_KEY, OPENROUTER_KEY_2]);
    expect(await keyStates('openrouter')).toEqual(['cooling', 'valid']);
    expect(await keyStates('openai')).toEqual(['valid']);
    const enabled = await fetch(`${harness.url}/admin/v1/providers/openrouter/keys/0/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(enabled.status).toBe(200);
  });

  it.each([
    ['an unknown name', 'POST', '/mistral/v1/chat/completions', 'openai'],
    ['a type used as a name that is not configured', 'POST', '/anthropic/v1/messages', 'openai'],
    ['a route of the other type (chat on claude)', 'POST', '/claude/v1/chat/completions', 'anthropic'],
    ['a route of the other type (messages on openrouter)', 'POST', '/openrouter/v1/messages', 'openai'],
  ])('404 for %s', async (_label, method, path, shape) => {
    const response = await fetch(`${harness.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}`, 'x-api-key': ALICE_TOKEN },
      body: JSON.stringify({ model: 'm', messages: [] }),
    });
    expect(response.status).toBe(404);
    const body = await errorJson(response);
    expect(body.error.message).toBe(`route not supported: ${method} ${path}`);
    if (shape === 'anthropic') expect(body.type).toBe('error');
    else expect(body.type).toBeUndefined();
    expect(primary.received).toEqual([]);
    expect(openrouter.received).toEqual([]);
  });

  it('the admin API knows the instances by name', async () => {
    expect(await keyStates('claude')).toEqual(['valid']);
    const unknown = await fetch(`${harness.url}/admin/v1/providers/anthropic/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(unknown.status).toBe(404);
  });
});
