import { createServer } from 'node:net';
import { FakeClock, startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { ALIASES, aliasProviders } from './support/alias-fixtures';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider JSON, asserted field by field
type Json = any;

const OA1 = 'oa-1-long-key';
const OA2 = 'oa-2-long-key';
const AZ1 = 'az-1-long-key';
const AN1 = 'an-1-long-key';
const BR1 = 'br-1-long-key';

interface ApiCase {
  api: 'chat' | 'responses' | 'messages';
  family: 'openai' | 'anthropic';
  path: string;
  headers: Record<string, string>;
  /** The client's body as raw text: odd spacing and a nested `model` key that must stay as sent. */
  body: (model: string, stream: boolean) => string;
  alias: string;
  first: { provider: string; model: string; key: string };
  second: { provider: string; model: string; key: string };
  overloaded: number;
}

const APIS: ApiCase[] = [
  {
    api: 'chat',
    family: 'openai',
    path: '/openai/v1/chat/completions',
    headers: { authorization: `Bearer ${ALICE_TOKEN}` },
    body: (model, stream) => `{ "model" :  ${JSON.stringify(model)}, "stream": ${stream}, "metadata": {"model": "keep-me"}, "messages": [{"role": "user", "content": "hi \\"model\\""}], "seed": 12345678901234567890 }`,
    alias: 'smart',
    first: { provider: 'openai', model: 'gpt-primary', key: OA1 },
    second: { provider: 'azure', model: 'gpt-backup', key: AZ1 },
    overloaded: 503,
  },
  {
    api: 'responses',
    family: 'openai',
    path: '/openai/v1/responses',
    headers: { authorization: `Bearer ${ALICE_TOKEN}` },
    body: (model, stream) => `{"input":"hi","model":${JSON.stringify(model)},"stream":${stream},"metadata":{"model":"keep-me"}}`,
    alias: 'smart',
    first: { provider: 'openai', model: 'gpt-primary', key: OA1 },
    second: { provider: 'azure', model: 'gpt-backup', key: AZ1 },
    overloaded: 500,
  },
  {
    api: 'messages',
    family: 'anthropic',
    path: '/anthropic/v1/messages',
    headers: { 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
    body: (model, stream) => `{"max_tokens":10,"model":${JSON.stringify(model)},"stream":${stream},"metadata":{"user_id":"model"},"messages":[{"role":"user","content":"hi"}]}`,
    alias: 'claude',
    first: { provider: 'anthropic', model: 'claude-primary', key: AN1 },
    second: { provider: 'bedrock', model: 'claude-backup', key: BR1 },
    overloaded: 529,
  },
];

const CASES = APIS.flatMap((api) => [false, true].map((stream) => ({ ...api, stream, label: `${api.api} (${stream ? 'streaming' : 'blocking'})` })));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(CASES)('model aliases with fallback: $label', (apiCase) => {
  let mock: MockUpstream;
  let harness: Harness;
  let clock: FakeClock;
  let downPort: number;

  beforeAll(async () => {
    mock = await startMockUpstream();
    downPort = await closedPort();
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    mock.reset();
    clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
    harness = await startHarness({ mock, clock, providers: aliasProviders(mock, downPort), routing: { aliases: ALIASES } });
  });
  afterEach(() => harness.close());

  const send = async (model: string = apiCase.alias, path = apiCase.path, headers: Record<string, string> = {}) => {
    const response = await fetch(`${harness.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...apiCase.headers, ...headers },
      body: apiCase.body(model, apiCase.stream),
    });
    const text = await response.text();
    return { response, text, id: response.headers.get('x-tollgate-interception-id')! };
  };
  const expectServed = ({ response, text }: { response: Response; text: string }) => {
    expect(response.status).toBe(200);
    if (apiCase.stream) {
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(text).not.toMatch(/event: error|data: \{"error"|"type":"error"|response\.failed/);
    }
  };
  const metrics = async () => (await fetch(`${harness.url}/metrics`)).text();
  const fallbacks = (from: string, to: string, reason: string) =>
    `tollgate_alias_fallbacks_total{alias="${apiCase.alias}",from="${from}",to="${to}",reason="${reason}"} 1`;

  it('is served by the first target: only the body model changes, and the record names the alias and who served', async () => {
    const sent = await send();
    expectServed(sent);
    expect(mock.keysSeen()).toEqual([apiCase.first.key]);
    const expectedBody = apiCase.body(apiCase.first.model, apiCase.stream);
    const raw = mock.received[0].rawBody.toString('utf8');
    // Chat streaming gains stream_options (include_usage), spliced in after the opening brace.
    expect(raw.replace('"stream_options":{"include_usage":true},', '')).toBe(expectedBody);

    const started = await harness.sink.waitForStarted(sent.id);
    expect(started).toMatchObject({ requestedModel: apiCase.alias, providerName: apiCase.first.provider, model: apiCase.first.model });
    const ended = await harness.sink.waitForEnded(sent.id);
    expect(ended).toMatchObject({ served: { providerName: apiCase.first.provider, model: apiCase.first.model }, credentialHint: `${apiCase.first.key.slice(0, 2)}...ey` });
    expect(ended.error).toBeUndefined();
    expect(await metrics()).not.toContain('tollgate_alias_fallbacks_total{');
  });

  it('a plain model name is not touched and records no alias', async () => {
    const sent = await send('gpt-plain');
    expectServed(sent);
    expect(mock.received[0].rawBody.toString('utf8').replace('"stream_options":{"include_usage":true},', '')).toBe(apiCase.body('gpt-plain', apiCase.stream));
    const started = await harness.sink.waitForStarted(sent.id);
    expect(started.requestedModel).toBeUndefined();
    expect((await harness.sink.waitForEnded(sent.id)).served).toBeUndefined();
  });

  it('falls back when the whole key pool is rate limited (every key 429)', async () => {
    if (apiCase.family === 'openai') mock.script(OA1, { status: 429, headers: { 'retry-after': '30' } });
    if (apiCase.family === 'openai') mock.script(OA2, { status: 429, headers: { 'retry-after': '30' } });
    else mock.script(AN1, { status: 429, headers: { 'retry-after': '30' } });
    const sent = await send();
    expectServed(sent);
    const firstKeys = apiCase.family === 'openai' ? [OA1, OA2] : [AN1];
    expect(mock.keysSeen()).toEqual([...firstKeys, apiCase.second.key]);
    expect((mock.received.at(-1)!.body as Json).model).toBe(apiCase.second.model);
    const ended = await harness.sink.waitForEnded(sent.id);
    expect(ended).toMatchObject({ served: { providerName: apiCase.second.provider, model: apiCase.second.model }, credentialHint: `${apiCase.second.key.slice(0, 2)}...ey` });
    expect(await metrics()).toContain(fallbacks(apiCase.first.provider, apiCase.second.provider, 'rate_limited'));
    const logged = harness.logs.filter((line) => line.includes('model alias fell back to its next target'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 'info', alias: apiCase.alias, reason: 'rate_limited', from: `${apiCase.first.provider}/${apiCase.first.model}` });
    expect(logged[0]).not.toContain('long-key');

    // The next request finds the first pool cooling: straight to the second target.
    mock.reset();
    expectServed(await send());
    expect(mock.keysSeen()).toEqual([apiCase.second.key]);
  });

  it(`falls back on an upstream 5xx (${apiCase.overloaded})`, async () => {
    mock.script(apiCase.first.key, { status: apiCase.overloaded });
    const sent = await send();
    expectServed(sent);
    expect(mock.keysSeen()).toEqual([apiCase.first.key, apiCase.second.key]);
    expect(await metrics()).toContain(fallbacks(apiCase.first.provider, apiCase.second.provider, 'upstream_5xx'));
  });

  it('falls back on an open circuit breaker without calling the first target', async () => {
    mock.script(apiCase.first.key, ...Array.from({ length: 5 }, () => ({ status: 503 })));
    // Five failures of the first target's model trip its breaker (provider, route, model).
    for (let i = 0; i < 5; i++) expect((await send(apiCase.first.model, `/${apiCase.first.provider}${apiCase.path.slice(apiCase.path.indexOf('/', 1))}`)).response.status).toBe(503);
    mock.reset();
    const sent = await send();
    expectServed(sent);
    expect(mock.keysSeen()).toEqual([apiCase.second.key]);
    expect(await metrics()).toContain(fallbacks(apiCase.first.provider, apiCase.second.provider, 'circuit_open'));
  });

  it('never falls back on a 4xx other than the pool exhausted: the client gets it', async () => {
    mock.script(apiCase.first.key, { status: 400 });
    const sent = await send();
    expect(sent.response.status).toBe(400);
    expect(mock.keysSeen()).toEqual([apiCase.first.key]);
    const ended = await harness.sink.waitForEnded(sent.id);
    expect(ended).toMatchObject({ served: { providerName: apiCase.first.provider }, error: { type: 'upstream_error' } });
  });

  it('when every target fails, the client gets the last target\'s answer', async () => {
    if (apiCase.family === 'openai') mock.script(OA2, { status: 429, headers: { 'retry-after': '30' } });
    mock.script(apiCase.first.key, { status: 429, headers: { 'retry-after': '30' } });
    mock.script(apiCase.second.key, { status: apiCase.overloaded });
    const sent = await send();
    expect(sent.response.status).toBe(apiCase.overloaded);
    expect(mock.keysSeen().at(-1)).toBe(apiCase.second.key);
    const ended = await harness.sink.waitForEnded(sent.id);
    expect(ended).toMatchObject({ served: { providerName: apiCase.second.provider, model: apiCase.second.model }, error: { type: 'upstream_error' } });

    // The first pool still cooling, the last one exhausted too: the last one's exhaustion error, in the family's shape.
    mock.reset();
    mock.script(apiCase.second.key, { status: 429, headers: { 'retry-after': '30' } });
    const exhausted = await send();
    expect(mock.keysSeen()).toEqual([apiCase.second.key]);
    expect(exhausted.response.status).toBe(429);
    const body = JSON.parse(exhausted.text);
    if (apiCase.family === 'openai') expect(body.error).toMatchObject({ type: 'rate_limit_error' });
    else expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  if (apiCase.family === 'openai') {
    it('falls back when the first target cannot be reached (connection refused)', async () => {
      const sent = await send('resilient');
      expectServed(sent);
      expect(mock.keysSeen()).toEqual([AZ1]);
      expect((mock.received[0].body as Json).model).toBe('gpt-backup');
      expect((await metrics())).toContain('tollgate_alias_fallbacks_total{alias="resilient",from="down",to="azure",reason="connection"} 1');
      expect((await harness.sink.waitForEnded(sent.id)).served).toEqual({ providerName: 'azure', model: 'gpt-backup' });
    });
  }

  if (apiCase.stream) {
    it('never falls back after the first streamed byte: a mid-stream error stays an SSE error', async () => {
      mock.script(apiCase.first.key, { errorAfterChunks: 1 });
      const sent = await send();
      expect(sent.response.status).toBe(200);
      expect(sent.text).toMatch(/event: error|data: \{"error"|"type":"error"|response\.failed/);
      expect(mock.keysSeen()).toEqual([apiCase.first.key]);
      expect((await harness.sink.waitForEnded(sent.id)).served).toMatchObject({ providerName: apiCase.first.provider });
    });
  }

  it("a user's own key is used on the first target only, without fallback, and only on that provider's routes", async () => {
    const ownKey = apiCase.family === 'openai' ? 'sk-user-own-key-1234' : 'sk-ant-user-own-key-1234';
    const own: Record<string, string> = apiCase.family === 'openai' ? { authorization: `Bearer ${ownKey}`, 'x-tollgate-token': ALICE_TOKEN } : { 'x-api-key': ownKey, 'x-tollgate-token': ALICE_TOKEN };
    mock.script(ownKey, { status: 429 });
    const refused = await send(apiCase.alias, apiCase.path, own);
    expect(refused.response.status).toBe(429);
    expect(mock.keysSeen()).toEqual([ownKey]);
    expect((mock.received[0].body as Json).model).toBe(apiCase.first.model);

    const served = await send(apiCase.alias, apiCase.path, own);
    expectServed(served);
    expect((await harness.sink.waitForEnded(served.id)).served).toEqual({ providerName: apiCase.first.provider, model: apiCase.first.model });

    // Sent to the second target's provider: the key belongs to that provider, the alias starts elsewhere.
    const elsewhere = await send(apiCase.alias, `/${apiCase.second.provider}${apiCase.path.slice(apiCase.path.indexOf('/', 1))}`, own);
    expect(elsewhere.response.status).toBe(400);
    expect(elsewhere.text).toContain(`served first by provider '${apiCase.first.provider}'`);
    expect(mock.keysSeen()).toEqual([ownKey, ownKey]);
  });
});
