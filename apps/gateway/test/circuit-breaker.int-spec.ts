import { FakeClock } from '@tollgate/testing';
import { ALICE_TOKEN, errorJson, startHarness, type Harness } from './support/gateway-harness';

const chat = (model = 'gpt-test', stream = false) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] });
const messages = (model = 'claude-test') => JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });

describe('circuit breaker per provider, route and model', () => {
  let harness: Harness;
  let clock: FakeClock;

  beforeEach(async () => {
    clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
    harness = await startHarness({ clock, keys: ['k0-long-key'] });
  });
  afterEach(() => harness.close());

  const post = async (path: string, body: string) => {
    const headers = path.startsWith('/anthropic') ? { 'x-api-key': ALICE_TOKEN } : { authorization: `Bearer ${ALICE_TOKEN}` };
    const response = await fetch(`${harness.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { response, text: await response.text() };
  };

  it('trips after 5 consecutive 503s, then rejects without calling upstream', async () => {
    harness.mock.script('*', ...Array.from({ length: 5 }, () => ({ status: 503 })));
    for (let i = 0; i < 5; i++) expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(503);
    expect(harness.mock.received).toHaveLength(5);

    const { response, text } = await post('/openai/v1/chat/completions', chat());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(JSON.parse(text)).toEqual({ error: { message: 'circuit breaker is open', type: 'server_error', code: 'service_unavailable', param: null } });
    expect(harness.mock.received).toHaveLength(5);

    // Another model, another route: their own breakers, still closed.
    expect((await post('/openai/v1/chat/completions', chat('gpt-other'))).response.status).toBe(200);
    expect((await post('/openai/v1/responses', JSON.stringify({ model: 'gpt-test', input: 'x' }))).response.status).toBe(200);

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toContain('tollgate_circuit_breaker_trips_total{provider="openai",route="openai-chat",model="gpt-test"} 1');
    expect(metrics).toContain('tollgate_circuit_breaker_rejections_total{provider="openai",route="openai-chat",model="gpt-test"} 1');
    expect(metrics).toContain('tollgate_circuit_breaker_state{provider="openai",route="openai-chat",model="gpt-test",state="open"} 1');
  });

  it('Anthropic: 529 counts, and the open body is an overloaded_error', async () => {
    harness.mock.script('*', ...Array.from({ length: 5 }, () => ({ status: 529 })));
    for (let i = 0; i < 5; i++) await post('/anthropic/v1/messages', messages());
    const { response, text } = await post('/anthropic/v1/messages', messages());
    expect(response.status).toBe(503);
    expect(JSON.parse(text)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'circuit breaker is open' } });
    expect(harness.mock.received).toHaveLength(5);
  });

  it('a half-open trial that succeeds closes it', async () => {
    harness.mock.script('*', ...Array.from({ length: 5 }, () => ({ status: 504 })));
    for (let i = 0; i < 5; i++) await post('/openai/v1/chat/completions', chat('gpt-test', true));
    expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(503);
    clock.advance(29_000);
    expect((await post('/openai/v1/chat/completions', chat())).response.headers.get('retry-after')).toBe('1');
    clock.advance(1_000);
    expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(200);
    expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(200);
    expect(harness.mock.received).toHaveLength(7);
  });

  it('a failed half-open trial opens it again', async () => {
    harness.mock.script('*', ...Array.from({ length: 6 }, () => ({ status: 503 })));
    for (let i = 0; i < 5; i++) await post('/openai/v1/chat/completions', chat());
    clock.advance(30_000);
    expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(503);
    const rejected = await post('/openai/v1/chat/completions', chat());
    expect((await errorJson(new Response(rejected.text))).error.message).toBe('circuit breaker is open');
    expect(harness.mock.received).toHaveLength(6);
  });

  it("503s from a user's own key (BYOK) never count toward the pool's breaker, nor are refused by it", async () => {
    const byok = (body: string) =>
      fetch(`${harness.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-user-own-key-1234', 'x-tollgate-token': ALICE_TOKEN },
        body,
      });
    harness.mock.script('sk-user-own-key-1234', ...Array.from({ length: 7 }, () => ({ status: 503 })));
    for (let i = 0; i < 7; i++) {
      const response = await byok(chat());
      expect(response.status).toBe(503);
      await response.text();
    }
    // Every BYOK request reached the upstream (its own breaker-free single attempt), and the pool's route still serves.
    expect(harness.mock.keysSeen()).toEqual(Array(7).fill('sk-user-own-key-1234'));
    expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(200);
    expect(harness.mock.keysSeen().at(-1)).toBe('k0-long-key');

    // And an open pool breaker does not refuse a user's own key.
    harness.mock.script('k0-long-key', ...Array.from({ length: 5 }, () => ({ status: 503 })));
    for (let i = 0; i < 5; i++) await post('/openai/v1/chat/completions', chat());
    expect((await post('/openai/v1/chat/completions', chat())).text).toContain('circuit breaker is open');
    const own = await byok(chat());
    expect(own.status).toBe(200);
    await own.text();
  });

  it('429s never trip it', async () => {
    for (let i = 0; i < 7; i++) {
      harness.mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '1' } });
      expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(429);
      clock.advance(1_001);
    }
    expect(harness.mock.received).toHaveLength(7);
    expect((await post('/openai/v1/chat/completions', chat())).response.status).toBe(200);
  });
});
