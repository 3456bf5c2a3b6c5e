import OpenAI, { AzureOpenAI } from 'openai';
import { FakeClock, MOCK_CHAT_USAGE, MOCK_RESPONSES_USAGE, mockText, startMockUpstream, type MockUpstream, type ReceivedRequest } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const T0 = Date.parse('2026-12-03T10:00:00Z');
const API_VERSION = '2024-10-21';
// Azure keys: 32 hex characters (or 84 alphanumerics), no `sk-` prefix.
const AZURE_KEYS = ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'];

/** The two Azure forms: classic deployment URLs with a model→deployment map, and the v1 endpoint. */
function azureProviders(mock: MockUpstream): Array<Record<string, unknown>> {
  return [
    {
      name: 'azure',
      type: 'openai',
      baseUrl: mock.azureEndpoint,
      auth: 'api-key',
      keys: AZURE_KEYS,
      azure: { apiVersion: API_VERSION, deployments: { 'gpt-4o': 'prod-gpt4o', 'gpt-4.1': 'team-gpt41' } },
    },
    { name: 'azure-v1', type: 'openai', baseUrl: mock.azureV1BaseUrl, auth: 'api-key', keys: AZURE_KEYS },
    { name: 'azure-v1-bearer', type: 'openai', baseUrl: mock.azureV1BaseUrl, keys: AZURE_KEYS },
  ];
}

describe('Azure OpenAI through the gateway (official openai SDK, base URL and key changed only)', () => {
  let mock: MockUpstream;
  let harness: Harness;
  let clock: FakeClock;
  const client = (provider: string, apiKey = ALICE_TOKEN, defaultHeaders?: Record<string, string>) =>
    new OpenAI({ apiKey, baseURL: `${harness.url}/${provider}/v1`, maxRetries: 0, defaultHeaders });
  const request = (index: number): ReceivedRequest => {
    const received = harness.mock.received[index];
    if (!received) throw new Error(`the mock received no request #${index}`);
    return received;
  };
  const keyStates = async (provider: string) => {
    const response = await fetch(`${harness.url}/admin/v1/providers/${provider}/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: Array<{ hint: string; state: string; reason?: string; until?: string }> }).keys;
  };

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    mock.reset();
    clock = new FakeClock(T0);
    harness = await startHarness({ mock, clock, providers: azureProviders(mock) });
  });
  afterEach(() => harness.close());

  /** What Azure must see of a pool-key request: the key in `api-key`, no Authorization, no gateway token. */
  const expectPoolKeyInApiKey = (received: ReceivedRequest, key = AZURE_KEYS[0]) => {
    expect(received.headers['api-key']).toBe(key);
    expect(received.headers.authorization).toBeUndefined();
    expect(JSON.stringify(received.headers)).not.toContain(ALICE_TOKEN);
  };

  describe.each([false, true])('deployment form, chat completions (stream: %s)', (stream) => {
    it('goes to the mapped deployment with api-version and the pool key in api-key; recorded under the model asked for', async () => {
      const openai = client('azure');
      let text: string;
      let interceptionId: string | null;
      if (stream) {
        const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        interceptionId = response.headers.get('x-tollgate-interception-id');
        text = '';
        for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
      } else {
        const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        interceptionId = response.headers.get('x-tollgate-interception-id');
        text = data.choices[0].message.content ?? '';
      }
      expect(text).toBe(mockText());
      const received = request(0);
      expect(received.path).toBe('/azure/openai/deployments/prod-gpt4o/chat/completions');
      expect(received.query).toEqual({ 'api-version': API_VERSION });
      expectPoolKeyInApiKey(received);
      // The chat body goes as sent (the deployment is in the path); streaming asks for usage as on OpenAI.
      expect(received.body).toMatchObject({ model: 'gpt-4o', ...(stream ? { stream_options: { include_usage: true } } : {}) });

      const started = await harness.sink.waitForStarted(interceptionId!);
      const ended = await harness.sink.waitForEnded(interceptionId!);
      expect(started).toMatchObject({ providerName: 'azure', providerType: 'openai', model: 'gpt-4o', streaming: stream, metadata: { api: 'openai-chat' } });
      expect(ended.credentialHint).not.toContain(AZURE_KEYS[0]);
      expect(ended.tokenUsages).toEqual([
        expect.objectContaining({
          inputTokens: MOCK_CHAT_USAGE.prompt_tokens - MOCK_CHAT_USAGE.prompt_tokens_details.cached_tokens,
          outputTokens: MOCK_CHAT_USAGE.completion_tokens,
        }),
      ]);
    });

    it('Responses API on the classic form: /openai/responses with the deployment as the body model', async () => {
      const openai = client('azure');
      let interceptionId: string | null;
      if (stream) {
        const { data: events, response } = await openai.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true }).withResponse();
        interceptionId = response.headers.get('x-tollgate-interception-id');
        let completed = false;
        for await (const event of events) if (event.type === 'response.completed') completed = true;
        expect(completed).toBe(true);
      } else {
        const { data, response } = await openai.responses.create({ model: 'gpt-4.1', input: 'hi' }).withResponse();
        interceptionId = response.headers.get('x-tollgate-interception-id');
        expect(data.output_text).toBe(mockText());
        expect(data.usage?.input_tokens).toBe(MOCK_RESPONSES_USAGE.input_tokens);
      }
      const received = request(0);
      expect(received.path).toBe('/azure/openai/responses');
      expect(received.query).toEqual({ 'api-version': API_VERSION });
      expect(received.body).toMatchObject({ model: 'team-gpt41', input: 'hi' });
      expectPoolKeyInApiKey(received);
      expect(await harness.sink.waitForStarted(interceptionId!)).toMatchObject({ model: 'gpt-4.1', metadata: { api: 'openai-responses' } });
      expect((await harness.sink.waitForEnded(interceptionId!)).tokenUsages).toHaveLength(1);
    });

    it('a model not in the map is its own deployment name', async () => {
      await client('azure').chat.completions.create({ model: 'my-finetune', stream, messages: [{ role: 'user', content: 'hi' }] });
      expect(request(0).path).toBe('/azure/openai/deployments/my-finetune/chat/completions');
    });

    it("Azure's v1 endpoint: OpenAI's paths, api-key or Bearer as configured", async () => {
      await client('azure-v1').chat.completions.create({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'hi' }] });
      await client('azure-v1-bearer').chat.completions.create({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'hi' }] });
      expect(request(0).path).toBe('/azure/openai/v1/chat/completions');
      expect(request(0).query).toEqual({});
      expectPoolKeyInApiKey(request(0));
      expect(request(1).path).toBe('/azure/openai/v1/chat/completions');
      expect(request(1).headers.authorization).toBe(`Bearer ${AZURE_KEYS[0]}`);
      expect(request(1).headers['api-key']).toBeUndefined();
    });

    it('an Azure 429 fails over; its retry-after-ms is the key cooldown', async () => {
      mock.script(AZURE_KEYS[0], { status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' } });
      const completion = await client('azure').chat.completions.create({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'hi' }] });
      expect(completion).toBeDefined();
      expect(mock.keysSeen()).toEqual(AZURE_KEYS);
      const [first, second] = await keyStates('azure');
      expect(first).toMatchObject({ state: 'cooling', reason: 'rate_limited', until: new Date(T0 + 1500).toISOString() });
      expect(second.state).toBe('valid');
      // Once the 1.5 s have passed the first key serves again.
      clock.advance(1500);
      await client('azure').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      expect(mock.keysSeen()[2]).toBe(AZURE_KEYS[0]);
    });

    it("a 401 disables the key; with every key refused the client gets a provider-shaped 502", async () => {
      mock.script(AZURE_KEYS[0], { status: 401 });
      await client('azure').chat.completions.create({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'hi' }] });
      expect((await keyStates('azure'))[0]).toMatchObject({ state: 'disabled', reason: 'unauthorized' });
      mock.script(AZURE_KEYS[1], { status: 401 });
      const refused = client('azure').chat.completions.create({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'hi' }] });
      await expect(refused).rejects.toMatchObject({ status: 502, error: { type: 'api_error', code: 'server_error' } });
    });
  });

  it('the key pools listing names Azure OpenAI as the upstream of api-key and deployment-form providers', async () => {
    const response = await fetch(`${harness.url}/admin/v1/providers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { providers } = (await response.json()) as { providers: Array<{ name: string; upstream: string; region: string | null }> };
    const upstreams = Object.fromEntries(providers.map((provider) => [provider.name, [provider.upstream, provider.region]]));
    // A bearer provider on Azure's v1 endpoint is configured like any OpenAI-compatible one.
    expect(upstreams).toMatchObject({ azure: ['azure-openai', null], 'azure-v1': ['azure-openai', null], 'azure-v1-bearer': ['direct', null] });
  });

  it('Azure error bodies reach the client unchanged: a content-filter 400 with innererror, a BYOK 429 with its retry-after-ms', async () => {
    const contentFilter = {
      error: {
        message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' } } },
      },
    };
    mock.script('*', { status: 400, body: contentFilter });
    const response = await fetch(`${harness.url}/azure/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(JSON.stringify(contentFilter));
    const interceptionId = response.headers.get('x-tollgate-interception-id')!;
    expect((await harness.sink.waitForEnded(interceptionId)).error).toMatchObject({ type: 'upstream_error' });

    // A user's own key gets one attempt: the upstream's 429 is the answer, as Azure wrote it.
    const ownKey = '77777777777777777777777777777777';
    mock.script(ownKey, { status: 429 });
    const limited = await fetch(`${harness.url}/azure/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tollgate-token': ALICE_TOKEN, 'api-key': ownKey },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('2000');
    expect(await limited.json()).toEqual(mock.received[1].answer!.body);
    expect((mock.received[1].answer!.body as { error: { code: string } }).error.code).toBe('429');
  });

  it("BYOK: the client's own Azure key goes upstream in api-key, whether sent as api-key or as a Bearer", async () => {
    const ownKey = '99999999999999999999999999999999';
    const asBearer = await client('azure', ownKey, { 'x-tollgate-token': ALICE_TOKEN })
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    const asApiKey = await client('azure', ALICE_TOKEN, { 'api-key': ownKey })
      .chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    for await (const chunk of asApiKey.data) expect(chunk.object).toBe('chat.completion.chunk');
    for (const index of [0, 1]) {
      expect(request(index).headers['api-key']).toBe(ownKey);
      expect(request(index).headers.authorization).toBeUndefined();
    }
    for (const { response } of [asBearer, asApiKey]) {
      const started = await harness.sink.waitForStarted(response.headers.get('x-tollgate-interception-id')!);
      expect(started).toMatchObject({ credentialKind: 'byok', credentialSource: 'request', credentialHint: expect.not.stringContaining(ownKey) });
    }
  });

  it('a client api-key header never rides along with a pool key', async () => {
    await client('azure-v1-bearer', ALICE_TOKEN, { 'api-key': 'tg_not_a_provider_key' }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(request(0).headers['api-key']).toBeUndefined();
    expect(request(0).headers.authorization).toBe(`Bearer ${AZURE_KEYS[0]}`);
  });

  it("passthrough on the deployment form: the model list is Azure's /openai/models with api-version", async () => {
    const models = await client('azure').models.list();
    expect(models.data.length).toBeGreaterThan(0);
    expect(request(0).path).toBe('/azure/openai/models');
    expect(request(0).query).toEqual({ 'api-version': API_VERSION });
    expectPoolKeyInApiKey(request(0));
  });

  it('an upstream that requires api-version answers 400 in its own shape without it (the mock checks what the gateway relies on)', async () => {
    const response = await fetch(`${mock.azureEndpoint}openai/deployments/prod-gpt4o/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': AZURE_KEYS[0] },
      body: JSON.stringify({ messages: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'BadRequest', message: 'Missing required query parameter: api-version' } });
  });

  it("the AzureOpenAI client class is not for the gateway: it builds Azure's URLs, which the gateway's OpenAI surface answers 404", async () => {
    const azureClient = new AzureOpenAI({ apiKey: ALICE_TOKEN, endpoint: `${harness.url}/azure`, apiVersion: API_VERSION, deployment: 'prod-gpt4o', maxRetries: 0 });
    await expect(azureClient.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });
    expect(harness.mock.received).toHaveLength(0);
  });
});
