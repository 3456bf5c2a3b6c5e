import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InterceptionEventWriter } from '@tollgate/persistence';
import {
  MOCK_ANTHROPIC_USAGE,
  MOCK_CHAT_USAGE,
  MOCK_RESPONSES_USAGE,
  mockText,
  startMockUpstream,
  startTestMcpServer,
  type MockUpstream,
  type TestMcpServer,
} from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provider JSON of three APIs, asserted field by field
type Json = any;

const K0 = 'k0-long-key';
const K1 = 'k1-long-key';
const K2 = 'k2-long-key';
const SEARCH = 'mcp_docs_search';
const MAX_ITERATIONS = 3;

interface ApiCase {
  api: 'chat' | 'responses' | 'messages';
  path: string;
  headers: Record<string, string>;
  body: (stream: boolean, extra?: Record<string, unknown>) => Record<string, unknown>;
  usage: Record<string, unknown>;
}

const APIS: ApiCase[] = [
  {
    api: 'chat',
    path: '/openai/v1/chat/completions',
    headers: { authorization: `Bearer ${ALICE_TOKEN}` },
    body: (stream, extra) => ({ model: 'gpt-test', stream, messages: [{ role: 'user', content: 'find pool docs' }], ...extra }),
    usage: MOCK_CHAT_USAGE,
  },
  {
    api: 'responses',
    path: '/openai/v1/responses',
    headers: { authorization: `Bearer ${ALICE_TOKEN}` },
    body: (stream, extra) => ({ model: 'gpt-test', stream, input: 'find pool docs', ...extra }),
    usage: MOCK_RESPONSES_USAGE,
  },
  {
    api: 'messages',
    path: '/anthropic/v1/messages',
    headers: { 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
    body: (stream, extra) => ({ model: 'claude-test', max_tokens: 100, stream, messages: [{ role: 'user', content: 'find pool docs' }], ...extra }),
    usage: MOCK_ANTHROPIC_USAGE,
  },
];

// One database for the file: each test's interceptions are written with the recorder's writer and read back as rows.
let database: IdentityDatabase;
beforeAll(async () => {
  database = await createIdentityDatabase();
});
afterAll(() => database.drop());

async function recordedRows(harness: Harness, interceptionId: string) {
  await harness.sink.waitForEnded(interceptionId);
  await new InterceptionEventWriter(database.dataSource).applyBatch(harness.sink.events.filter((event) => event.interceptionId === interceptionId));
  const query = (sql: string) => database.dataSource.query(sql, [interceptionId]);
  return {
    interception: (await query(`SELECT credential_hint, error_type FROM interceptions WHERE id = $1`))[0],
    tokenUsages: await query(`SELECT provider_response_id, input_tokens, output_tokens FROM token_usages WHERE interception_id = $1`),
    toolUsages: await query(`SELECT tool, injected, server, input, invocation_error FROM tool_usages WHERE interception_id = $1`),
  };
}

const CASES = APIS.flatMap((api) => [false, true].map((stream) => ({ ...api, stream, label: `${api.api} (${stream ? 'streaming' : 'blocking'})` })));

interface SseEvent {
  event?: string;
  data: Json;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data: data === '[DONE]' ? '[DONE]' : JSON.parse(data) };
    });
}

/** Every number in a usage object times n (what n identical iterations sum to), other values as they are. */
function times(usage: Record<string, unknown>, n: number): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(usage).map(([field, value]) => [
      field,
      typeof value === 'number' ? value * n : typeof value === 'object' && value !== null ? times(value as Record<string, unknown>, n) : value,
    ]),
  );
}

/** The injected tool names in an upstream request body, in order, in the API's own tool shape. */
function toolNames(api: ApiCase['api'], body: Json): string[] {
  return (body.tools ?? []).map((tool: Json) => (api === 'chat' ? tool.function.name : tool.name));
}

describe.each(CASES)('injected MCP tools: $label', (apiCase) => {
  let mock: MockUpstream;
  let mcp: TestMcpServer;
  let harness: Harness;

  beforeAll(async () => {
    mock = await startMockUpstream();
    mcp = await startTestMcpServer({ slowMs: 60_000 }); // the slow tool never answers within a test
  });
  afterAll(async () => {
    await mcp.close();
    await mock.close();
  });
  // The tool timeout only bounds a test that would otherwise hang, except in the test that times a tool out.
  const startGateway = (toolTimeout = '10s') =>
    startHarness({ mock, mcp: { servers: [{ name: 'docs', url: mcp.url, deny: ['^delete_'] }], maxIterations: MAX_ITERATIONS, toolTimeout } });
  // A gateway per test: key states (cooldowns from a 429) must not leak from one test into the next.
  beforeEach(async () => {
    mock.reset();
    harness = await startGateway();
  });
  afterEach(() => harness.close());

  const send = async (extra?: Record<string, unknown>) => {
    const response = await fetch(`${harness.url}${apiCase.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...apiCase.headers },
      body: JSON.stringify(apiCase.body(apiCase.stream, extra)),
    });
    const text = await response.text();
    const interceptionId = response.headers.get('x-tollgate-interception-id')!;
    return { response, text, interceptionId, ended: () => harness.sink.waitForEnded(interceptionId) };
  };
  const toolCallStep = (name: string, args: Record<string, unknown>) => ({ toolCall: { name, arguments: args } });

  /** What the client got, whatever the flavour: the final text, tool calls it can see, and the usage it was told. */
  function clientView(text: string): { text: string; toolCalls: string[]; usage: Json; events?: SseEvent[] } {
    if (!apiCase.stream) {
      const body = JSON.parse(text);
      if (apiCase.api === 'chat') {
        const message = body.choices[0].message;
        return { text: message.content ?? '', toolCalls: (message.tool_calls ?? []).map((call: Json) => call.function.name), usage: body.usage };
      }
      if (apiCase.api === 'responses') {
        const messages = body.output.filter((item: Json) => item.type === 'message');
        const textOut = messages.flatMap((item: Json) => item.content.map((part: Json) => part.text)).join('');
        return { text: textOut, toolCalls: body.output.filter((item: Json) => item.type === 'function_call').map((item: Json) => item.name), usage: body.usage };
      }
      return {
        text: body.content.filter((block: Json) => block.type === 'text').map((block: Json) => block.text).join(''),
        toolCalls: body.content.filter((block: Json) => block.type === 'tool_use').map((block: Json) => block.name),
        usage: body.usage,
      };
    }
    const events = parseSse(text);
    if (apiCase.api === 'chat') {
      const chunks = events.filter((event) => event.data !== '[DONE]').map((event) => event.data);
      return {
        events,
        text: chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''),
        toolCalls: chunks.flatMap((chunk) => (chunk.choices[0]?.delta?.tool_calls ?? []).map((call: Json) => call.function?.name).filter(Boolean)),
        usage: chunks.at(-1)?.usage,
      };
    }
    if (apiCase.api === 'responses') {
      const completed = events.find((event) => event.data.type === 'response.completed')?.data.response;
      return {
        events,
        text: events.filter((event) => event.data.type === 'response.output_text.delta').map((event) => event.data.delta).join(''),
        toolCalls: (completed?.output ?? []).filter((item: Json) => item.type === 'function_call').map((item: Json) => item.name),
        usage: completed?.usage,
      };
    }
    const blockStarts = events.filter((event) => event.data.type === 'content_block_start');
    return {
      events,
      text: events.filter((event) => event.data.delta?.type === 'text_delta').map((event) => event.data.delta.text).join(''),
      toolCalls: blockStarts.filter((event) => event.data.content_block.type === 'tool_use').map((event) => event.data.content_block.name),
      usage: events.filter((event) => event.data.type === 'message_delta').at(-1)?.data.usage,
    };
  }

  /** The error a client got: the JSON body, or the one SSE error event. */
  function streamedError(text: string): Json {
    const errors = parseSse(text).filter((event) => event.event === 'error' || event.data?.error !== undefined || event.data?.type === 'error');
    expect(errors).toHaveLength(1);
    return errors[0].data;
  }

  it('runs the injected tool once with the model arguments and answers with the final iteration, usage summed', async () => {
    mock.script(K0, toolCallStep(SEARCH, { query: 'pool' }));
    const callsBefore = mcp.calls.length;
    const { response, text, ended, interceptionId } = await send();

    expect(response.status).toBe(200);
    expect(mcp.calls.slice(callsBefore)).toEqual([expect.objectContaining({ tool: 'search', arguments: { query: 'pool' } })]);
    const view = clientView(text);
    expect(view.toolCalls).toEqual([]);
    expect(view.text).toBe(mockText());
    expect(view.usage).toMatchObject(times(apiCase.usage, 2));

    // Upstream saw the injected tools (sorted, deny applied), then the conversation with the tool result.
    expect(mock.received).toHaveLength(2);
    const [first, second] = mock.received.map((request) => request.body as Json);
    expect(toolNames(apiCase.api, first)).toEqual(['mcp_docs_explode', 'mcp_docs_search', 'mcp_docs_slow']);
    if (apiCase.api === 'messages') expect(first.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    else expect(first.parallel_tool_calls).toBe(false);
    expect(JSON.stringify(second)).toContain('results for pool');
    if (apiCase.api === 'messages') {
      expect(second.messages.at(-2).role).toBe('assistant');
      expect(second.messages.at(-1).content[0]).toMatchObject({ type: 'tool_result', content: 'results for pool' });
    } else if (apiCase.api === 'chat') {
      expect(second.messages.at(-2).tool_calls[0].function).toEqual({ name: SEARCH, arguments: JSON.stringify({ query: 'pool' }) });
      expect(second.messages.at(-1)).toMatchObject({ role: 'tool', content: 'results for pool' });
    } else {
      expect(second.input.at(-2)).toMatchObject({ type: 'function_call', name: SEARCH });
      expect(second.input.at(-1)).toMatchObject({ type: 'function_call_output', output: 'results for pool' });
    }

    if (apiCase.stream) {
      const events = view.events!;
      if (apiCase.api === 'messages') {
        expect(events.filter((event) => event.data.type === 'message_start')).toHaveLength(1);
        expect(events.filter((event) => event.data.type === 'message_delta')).toHaveLength(1);
        expect(events.filter((event) => event.data.type === 'message_stop')).toHaveLength(1);
        const indexes = events.filter((event) => event.data.type === 'content_block_start').map((event) => event.data.index);
        expect(indexes).toEqual(indexes.map((_, i) => i));
      } else if (apiCase.api === 'chat') {
        expect(events.filter((event) => event.data === '[DONE]')).toHaveLength(1);
        expect(events.at(-1)!.data).toBe('[DONE]');
        expect(new Set(events.filter((event) => event.data !== '[DONE]').map((event) => event.data.id)).size).toBe(1);
        expect(events.filter((event) => event.data !== '[DONE]' && event.data.choices[0]?.finish_reason)).toHaveLength(1);
      } else {
        const created = events.filter((event) => event.data.type === 'response.created');
        const completed = events.filter((event) => event.data.type === 'response.completed');
        expect(created).toHaveLength(1);
        expect(completed).toHaveLength(1);
        expect(completed[0].data.response.id).toBe(created[0].data.response.id);
      }
    }

    const record = await ended();
    expect(record.error).toBeUndefined();
    expect(record.tokenUsages).toHaveLength(2);
    const rows = await recordedRows(harness, interceptionId);
    expect(rows.interception).toEqual({ credential_hint: 'k0...ey', error_type: null });
    expect(rows.tokenUsages).toHaveLength(2);
    expect(new Set(rows.tokenUsages.map((row: Json) => row.provider_response_id)).size).toBe(2);
    expect(rows.toolUsages).toEqual([{ tool: SEARCH, injected: true, server: 'docs', input: JSON.stringify({ query: 'pool' }), invocation_error: null }]);
  });

  it('fails over on a continuation: [tool call on k0, 429 on k0, final on k1]', async () => {
    mock.script(K0, toolCallStep(SEARCH, { query: 'pool' }), { status: 429, headers: { 'retry-after': '30' } });
    const { response, text, ended } = await send();
    expect(response.status).toBe(200);
    expect(clientView(text).text).toBe(mockText());
    expect(mock.keysSeen()).toEqual([K0, K0, K1]);
    const record = await ended();
    expect(record.credentialHint).toBe('k1...ey');
    expect(record.tokenUsages).toHaveLength(2);
  });

  it('a continuation that exhausts the pool answers 429 with the smallest Retry-After (one SSE error once streaming)', async () => {
    mock.script(K0, toolCallStep(SEARCH, { query: 'pool' }), { status: 429, headers: { 'retry-after': '30' } });
    mock.script(K1, { status: 429, headers: { 'retry-after': '10' } });
    mock.script(K2, { status: 429, headers: { 'retry-after': '20' } });
    const { response, text, ended } = await send();
    expect(mock.keysSeen()).toEqual([K0, K0, K1, K2]);
    if (apiCase.stream && apiCase.api !== 'responses') {
      expect(response.status).toBe(200);
      const error = streamedError(text);
      expect(JSON.stringify(error)).toContain('rate_limit_error');
      expect(JSON.stringify(error)).toContain('retry after 10s');
    } else {
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('10');
      expect(JSON.parse(text).error.type).toBe('rate_limit_error');
    }
    const record = await ended();
    expect(record.error?.type).toBe('rate_limited');
    expect(record.tokenUsages).toHaveLength(1);
  });

  it.each([
    ['errors', 'mcp_docs_explode', 'the explode tool failed on purpose', undefined],
    ['times out', 'mcp_docs_slow', 'timed out after 300 ms', '300ms'],
  ])('a tool that %s sends an error result to the model and the loop goes on', async (_what, tool, message, toolTimeout) => {
    if (toolTimeout) {
      await harness.close();
      harness = await startGateway(toolTimeout);
    }
    mock.script(K0, toolCallStep(tool, {}));
    const { response, text, ended } = await send();
    expect(response.status).toBe(200);
    expect(clientView(text).text).toBe(mockText());
    const second = mock.received[1].body as Json;
    if (apiCase.api === 'messages') {
      const result = second.messages.at(-1).content[0];
      expect(result).toMatchObject({ type: 'tool_result', is_error: true });
      expect(result.content).toContain(message);
    } else {
      const output = apiCase.api === 'chat' ? second.messages.at(-1).content : second.input.at(-1).output;
      expect(JSON.parse(output)).toEqual({ error: true, message: expect.stringContaining(message) });
    }
    const record = await ended();
    expect(record.error).toBeUndefined();
    expect(record.toolUsages).toEqual([expect.objectContaining({ tool, injected: true, server: 'docs', invocationError: expect.stringContaining(message) })]);
  });

  it(`stops after mcp.maxIterations (${MAX_ITERATIONS}) with a provider-shaped max_iterations_exceeded`, async () => {
    const loop = Array.from({ length: MAX_ITERATIONS + 1 }, () => toolCallStep(SEARCH, { query: 'again' }));
    mock.script(K0, ...loop);
    const { response, text, ended } = await send();
    expect(mock.received).toHaveLength(MAX_ITERATIONS);
    if (apiCase.stream && apiCase.api !== 'responses') {
      expect(response.status).toBe(200);
      expect(JSON.stringify(streamedError(text))).toContain('max_iterations_exceeded');
    } else {
      expect(response.status).toBe(500);
      const error = JSON.parse(text).error;
      expect(error.message).toContain('max_iterations_exceeded');
      if (apiCase.api !== 'messages') expect(error.code).toBe('max_iterations_exceeded');
    }
    const record = await ended();
    expect(record.error?.type).toBe('max_iterations_exceeded');
    expect(record.tokenUsages).toHaveLength(MAX_ITERATIONS);
    expect(record.toolUsages.filter((usage) => usage.invocationError === undefined)).toHaveLength(MAX_ITERATIONS - 1);
  });

  it('a call to a client-defined tool reaches the client untouched and ends the loop', async () => {
    const clientTool =
      apiCase.api === 'messages'
        ? { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }
        : apiCase.api === 'chat'
          ? { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }
          : { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
    mock.script(K0, toolCallStep('get_weather', { city: 'Oslo' }));
    const callsBefore = mcp.calls.length;
    const { response, text, ended } = await send({ tools: [clientTool] });
    expect(response.status).toBe(200);
    expect(clientView(text).toolCalls).toEqual(['get_weather']);
    expect(mock.received).toHaveLength(1);
    expect(mcp.calls.length).toBe(callsBefore);
    // The client's own tool stays where the client put it; the injected ones go around it as the spec says.
    const names = toolNames(apiCase.api, mock.received[0].body);
    expect(apiCase.api === 'messages' ? names.at(-1) : names[0]).toBe('get_weather');
    const record = await ended();
    expect(record.toolUsages).toEqual([expect.objectContaining({ tool: 'get_weather', injected: false })]);
  });

  it('tool_choice "none" injects nothing', async () => {
    await send({ tool_choice: apiCase.api === 'messages' ? { type: 'none' } : 'none' });
    expect(mock.received[0].body).not.toHaveProperty('tools');
  });
});

describe('injected MCP tools: recording, tracing and server availability', () => {
  let mock: MockUpstream;
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  const chat = (harness: Harness) =>
    fetch(`${harness.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'find pool docs' }] }),
    });

  it('records every iteration and the injected tool call in Postgres, and traces the tool call', async () => {
    const mcp = await startTestMcpServer();
    const harness = await startHarness({ mock, mcp: { servers: [{ name: 'docs', url: mcp.url }] } });
    try {
      mock.script(K0, { toolCall: { name: SEARCH, arguments: { query: 'pool' } } });
      const response = await chat(harness);
      await response.text();
      const id = response.headers.get('x-tollgate-interception-id')!;
      await harness.sink.waitForEnded(id);
      const events = harness.sink.events.filter((event) => event.interceptionId === id);
      await new InterceptionEventWriter(database.dataSource).applyBatch(events);

      const tokens = await database.dataSource.query(`SELECT input_tokens, output_tokens FROM token_usages WHERE interception_id = $1`, [id]);
      expect(tokens).toEqual([
        { input_tokens: expect.anything(), output_tokens: expect.anything() },
        { input_tokens: expect.anything(), output_tokens: expect.anything() },
      ]);
      const tools = await database.dataSource.query(
        `SELECT tool, injected, server, input, invocation_error FROM tool_usages WHERE interception_id = $1`,
        [id],
      );
      expect(tools).toEqual([{ tool: SEARCH, injected: true, server: 'docs', input: '{"query":"pool"}', invocation_error: null }]);
      const [interception] = await database.dataSource.query(`SELECT credential_hint FROM interceptions WHERE id = $1`, [id]);
      expect(interception.credential_hint).toBe('k0...ey');

      const finished = spans.getFinishedSpans();
      const root = finished.find((span) => span.name === 'tollgate.interception' && span.attributes['tollgate.interception.id'] === id)!;
      const inTrace = finished.filter((span) => span.spanContext().traceId === root.spanContext().traceId);
      expect(inTrace.filter((span) => span.name === 'tollgate.upstream')).toHaveLength(2);
      const toolSpans = inTrace.filter((span) => span.name === 'tollgate.mcp.tool_call');
      expect(toolSpans).toHaveLength(1);
      expect(toolSpans[0].attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': SEARCH,
        'tollgate.mcp.server': 'docs',
        'tollgate.mcp.tool': 'search',
      });
      expect(JSON.stringify(toolSpans[0].attributes)).not.toContain('pool');
    } finally {
      await harness.close();
      await mcp.close();
    }
  });

  it('an MCP server that is down at start does not stop the gateway; its tools appear once it is back', async () => {
    const probe = await startTestMcpServer();
    const port = probe.port;
    await probe.close();
    const harness = await startHarness({
      mock,
      mcp: { servers: [{ name: 'docs', url: `http://127.0.0.1:${port}/mcp` }], refreshInterval: '200ms', connectTimeout: '500ms' },
    });
    let mcp: TestMcpServer | undefined;
    try {
      const plain = await chat(harness);
      expect(plain.status).toBe(200);
      await plain.text();
      expect(mock.received[0].body).not.toHaveProperty('tools');
      const metrics = await (await fetch(`${harness.url}/metrics`)).text();
      expect(metrics).toContain('tollgate_mcp_server_up{server="docs"} 0');
      const status = async () => {
        const response = await fetch(`${harness.url}/admin/v1/mcp/servers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect(response.status).toBe(200);
        return ((await response.json()) as { servers: Json[] }).servers;
      };
      expect(await status()).toEqual([
        { name: 'docs', url: `http://127.0.0.1:${port}/mcp`, up: false, lastRefreshAt: expect.any(String), lastError: expect.any(String), tools: [] },
      ]);
      expect((await fetch(`${harness.url}/admin/v1/mcp/servers`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } })).status).toBe(401);

      mcp = await startTestMcpServer({ port });
      const deadline = Date.now() + 5_000;
      while (harness.gateway.runtime.mcpTools.tools().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

      mock.script(K0, { toolCall: { name: SEARCH, arguments: { query: 'back' } } });
      const withTools = await chat(harness);
      expect(withTools.status).toBe(200);
      await withTools.text();
      expect(mcp.calls).toEqual([expect.objectContaining({ tool: 'search', arguments: { query: 'back' } })]);
      const [back] = await status();
      expect(back).toMatchObject({ up: true, tools: expect.arrayContaining([{ name: SEARCH, serverToolName: 'search', description: 'Searches the internal docs' }]) });
      expect(back).not.toHaveProperty('lastError');
      const after = await (await fetch(`${harness.url}/metrics`)).text();
      expect(after).toContain('tollgate_mcp_server_up{server="docs"} 1');
      expect(after).toMatch(/tollgate_injected_tool_invocations_total\{provider="openai",model="gpt-test",server="docs",tool="search"\} 1/);
    } finally {
      await harness.close();
      await mcp?.close();
    }
  });
});
