import OpenAI, { AzureOpenAI } from 'openai';
import { AZURE_429_HEADERS, MOCK_CHAT_USAGE, MOCK_EMBEDDING_DIMENSIONS, mockEmbeddingPromptTokens, mockText, startMockUpstream, type MockUpstream } from './index';

const KEY = '0123456789abcdef0123456789abcdef';

/** The mock's Azure OpenAI, driven by the official SDK's own Azure client, and its embeddings endpoint. */
describe('mock upstream: Azure OpenAI and embeddings', () => {
  let mock: MockUpstream;
  const azure = (deployment?: string) =>
    new AzureOpenAI({ apiKey: KEY, endpoint: mock.azureEndpoint.replace(/\/$/, ''), apiVersion: '2024-10-21', deployment, maxRetries: 0 });

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it("serves the classic deployment form to the SDK's AzureOpenAI client: api-key header, api-version, deployment in the path", async () => {
    const completion = await azure('prod-gpt4o').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0].message.content).toBe(mockText());
    expect(completion.usage).toEqual(MOCK_CHAT_USAGE);
    const [received] = mock.received;
    expect(received).toMatchObject({ provider: 'azure', path: '/azure/openai/deployments/prod-gpt4o/chat/completions', query: { 'api-version': '2024-10-21' }, credential: KEY });
    expect(received.headers['api-key']).toBe(KEY);
  });

  it('streams chat on the deployment form, and serves embeddings and the Responses API', async () => {
    let text = '';
    for await (const chunk of await azure('prod-gpt4o').chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(mockText());
    const embeddings = await azure('emb').embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'bb'] });
    expect(embeddings.data.map((item) => item.embedding.length)).toEqual([MOCK_EMBEDDING_DIMENSIONS, MOCK_EMBEDDING_DIMENSIONS]);
    const response = await azure().responses.create({ model: 'team-gpt41', input: 'hi' });
    expect(response.output_text).toBe(mockText());
    expect(mock.received.map((request) => request.path)).toEqual([
      '/azure/openai/deployments/prod-gpt4o/chat/completions',
      '/azure/openai/deployments/emb/embeddings',
      '/azure/openai/responses',
    ]);
  });

  it("serves Azure's v1 endpoint with OpenAI's client, without api-version", async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: mock.azureV1BaseUrl, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(mock.received[0]).toMatchObject({ path: '/azure/openai/v1/chat/completions', query: {}, credential: KEY });
  });

  it("answers in Azure's shapes: 400 without api-version, 401 without a key, 404 off the map, 429 with retry-after-ms", async () => {
    const post = (path: string, headers: Record<string, string> = { 'api-key': KEY }) =>
      fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"messages":[]}' });
    const noVersion = await post('/azure/openai/deployments/d/chat/completions');
    expect([noVersion.status, await noVersion.json()]).toEqual([400, { error: { code: 'BadRequest', message: 'Missing required query parameter: api-version' } }]);
    const noKey = await post('/azure/openai/deployments/d/chat/completions?api-version=2024-10-21', {});
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ error: { code: '401', message: expect.stringContaining('Access denied due to invalid subscription key') } });
    const unknown = await post('/azure/openai/deployments/d/completions/x?api-version=2024-10-21');
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: { code: '404', message: 'Resource not found' } }]);

    mock.script(KEY, { status: 429 }, { status: 429, headers: { 'retry-after-ms': '750' } });
    const limited = await post('/azure/openai/deployments/d/chat/completions?api-version=2024-10-21');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe(AZURE_429_HEADERS['retry-after-ms']);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('429');
    const scripted = await post('/azure/openai/deployments/d/chat/completions?api-version=2024-10-21');
    expect(scripted.headers.get('retry-after-ms')).toBe('750');
    await scripted.text();
  });

  it('embeddings: usage from the input, float or base64 vectors, the requested dimensions', async () => {
    const openai = new OpenAI({ apiKey: 'sk-x', baseURL: mock.openaiBaseUrl, maxRetries: 0 });
    const floats = await openai.embeddings.create({ model: 'text-embedding-3-large', input: 'hello world, hello', encoding_format: 'float', dimensions: 3 });
    expect(floats).toMatchObject({ object: 'list', model: 'text-embedding-3-large', usage: { prompt_tokens: 5, total_tokens: 5 } });
    expect(floats.data[0].embedding).toHaveLength(3);
    // The SDK's default: base64, decoded back to the same floats.
    const decoded = await openai.embeddings.create({ model: 'text-embedding-3-large', input: 'hello world, hello', dimensions: 3 });
    expect(mock.received[1].body).toMatchObject({ encoding_format: 'base64' });
    decoded.data[0].embedding.forEach((value, index) => expect(value).toBeCloseTo(floats.data[0].embedding[index], 5));
    expect(mockEmbeddingPromptTokens([[1, 2, 3], 'abcd'])).toBe(4);
    expect(mockEmbeddingPromptTokens([1, 2, 3])).toBe(3);
  });
});
