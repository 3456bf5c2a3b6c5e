import { FakeClock, startMockUpstream, startTestMcpServer, type MockUpstream } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const API_VERSION = '2024-10-21';
const OPENAI_KEY = 'oa-1-long-key';
const AZURE_KEY = '0123456789abcdef0123456789abcdef';

interface RouteCase {
  label: string;
  path: string;
  body: (model: string) => string;
  /** Where a direct request for the target model goes on Azure's deployment form. */
  azurePath: string;
  /** The body model Azure gets: the deployment on the Responses API, the model elsewhere (its deployment is in the path). */
  azureBodyModel: string;
  stream: boolean;
}

const ROUTES: RouteCase[] = [false, true].flatMap((stream) => [
  {
    label: `chat completions (${stream ? 'streaming' : 'blocking'})`,
    path: '/openai/v1/chat/completions',
    body: (model: string) => JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    azurePath: '/azure/openai/deployments/prod-gpt4o/chat/completions',
    azureBodyModel: 'gpt-4o',
    stream,
  },
  {
    label: `Responses API (${stream ? 'streaming' : 'blocking'})`,
    path: '/openai/v1/responses',
    body: (model: string) => JSON.stringify({ model, stream, input: 'hi', metadata: { model: 'keep-me' } }),
    azurePath: '/azure/openai/responses',
    azureBodyModel: 'prod-gpt4o',
    stream,
  },
]);
ROUTES.push({
  label: 'embeddings (blocking only)',
  path: '/openai/v1/embeddings',
  body: (model: string) => JSON.stringify({ model, input: 'hi' }),
  azurePath: '/azure/openai/deployments/prod-gpt4o/embeddings',
  azureBodyModel: 'gpt-4o',
  stream: false,
});

describe.each(ROUTES)('model alias OpenAI → Azure deployment form: $label', (route) => {
  let mock: MockUpstream;
  let harness: Harness;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  const start = (extra: Partial<Parameters<typeof startHarness>[0]> = {}) =>
    startHarness({
      mock,
      clock: new FakeClock(Date.parse('2026-12-03T10:00:00Z')),
      ...extra,
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: [OPENAI_KEY] },
        { name: 'azure', type: 'openai', baseUrl: mock.azureEndpoint, auth: 'api-key', keys: [AZURE_KEY], azure: { apiVersion: API_VERSION, deployments: { 'gpt-4o': 'prod-gpt4o' } } },
      ],
      routing: { aliases: [{ name: 'smart', targets: [{ provider: 'openai', model: 'gpt-primary' }, { provider: 'azure', model: 'gpt-4o' }] }] },
    });
  beforeEach(async () => {
    mock.reset();
    harness = await start();
  });
  afterEach(() => harness.close());

  const send = async (path: string, model: string) => {
    const response = await fetch(`${harness.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: route.body(model),
    });
    return { response, text: await response.text(), id: response.headers.get('x-tollgate-interception-id')! };
  };

  it('falls back to the Azure target, which gets exactly what a direct request to Azure gets', async () => {
    mock.script(OPENAI_KEY, { status: 503 });
    const aliased = await send(route.path, 'smart');
    expect(aliased.response.status).toBe(200);
    if (route.stream) expect(aliased.response.headers.get('content-type')).toBe('text/event-stream');
    expect(mock.keysSeen()).toEqual([OPENAI_KEY, AZURE_KEY]);
    const viaAlias = mock.received[1];
    expect(viaAlias.path).toBe(route.azurePath);
    expect(viaAlias.query).toEqual({ 'api-version': API_VERSION });
    expect(viaAlias.headers['api-key']).toBe(AZURE_KEY);
    expect(viaAlias.headers.authorization).toBeUndefined();
    expect(JSON.stringify(viaAlias.headers)).not.toContain(ALICE_TOKEN);
    expect((viaAlias.body as { model: string }).model).toBe(route.azureBodyModel);
    expect(await harness.sink.waitForEnded(aliased.id)).toMatchObject({ served: { providerName: 'azure', model: 'gpt-4o' }, credentialHint: '0123...cdef' });
    expect(await (await fetch(`${harness.url}/metrics`)).text()).toContain('tollgate_alias_fallbacks_total{alias="smart",from="openai",to="azure",reason="upstream_5xx"} 1');

    // The same model asked of Azure directly: the same path, query and body.
    mock.reset();
    const direct = await send(route.path.replace('/openai/', '/azure/'), 'gpt-4o');
    expect(direct.response.status).toBe(200);
    const directly = mock.received[0];
    expect({ path: directly.path, query: directly.query, body: directly.body }).toEqual({ path: viaAlias.path, query: viaAlias.query, body: viaAlias.body });
  });

  if (route.path.endsWith('/responses')) {
    it('the MCP tool loop continues on the Azure target with the deployment as the body model', async () => {
      const mcp = await startTestMcpServer();
      try {
        await harness.close();
        harness = await start({ mcp: { servers: [{ name: 'docs', url: mcp.url }] } });
        mock.script(OPENAI_KEY, { status: 503 });
        mock.script(AZURE_KEY, { toolCall: { name: 'mcp_docs_search', arguments: { query: 'pool' } } });
        const sent = await send(route.path, 'smart');
        expect(sent.response.status).toBe(200);
        expect(mock.keysSeen()).toEqual([OPENAI_KEY, AZURE_KEY, AZURE_KEY]);
        expect(mock.received.slice(1).map((request) => [request.path, (request.body as { model: string }).model])).toEqual([
          ['/azure/openai/responses', 'prod-gpt4o'],
          ['/azure/openai/responses', 'prod-gpt4o'],
        ]);
        expect(await harness.sink.waitForEnded(sent.id)).toMatchObject({ served: { providerName: 'azure', model: 'gpt-4o' } });
      } finally {
        await mcp.close();
      }
    });
  }
});
