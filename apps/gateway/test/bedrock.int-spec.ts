import Anthropic from '@anthropic-ai/sdk';
import {
  FakeClock,
  MOCK_BEDROCK_TEXT,
  MOCK_BEDROCK_USAGE,
  startMockBedrock,
  startMockUpstream,
  startTestMcpServer,
  type MockBedrock,
  type MockUpstream,
  type TestMcpServer,
} from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const T0 = Date.parse('2026-12-03T10:00:00Z');
// AWS's documentation example credentials: never real.
const FIRST = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SECOND = { accessKeyId: 'ASIAQWERTYUIOPEXAMPL', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789' };
const API_KEY = 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWtleQ==';
const USER_API_KEY = 'ABSKdXNlcidzIG93biBCZWRyb2NrIEFQSSBrZXk=';
const SECRETS = [FIRST.secretAccessKey, SECOND.secretAccessKey, SECOND.sessionToken];

const ENV = {
  AWS_ID_1: FIRST.accessKeyId,
  AWS_SECRET_1: FIRST.secretAccessKey,
  AWS_ID_2: SECOND.accessKeyId,
  AWS_SECRET_2: SECOND.secretAccessKey,
  AWS_TOKEN_2: SECOND.sessionToken,
  BEDROCK_API_KEY: API_KEY,
};

const MESSAGE = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };
const BEDROCK_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe.each([false, true])('Claude on Bedrock through the gateway (streaming: %s)', (streaming) => {
  let bedrock: MockBedrock;
  let mock: MockUpstream;
  let harness: Harness;
  let anthropic: Anthropic;

  beforeAll(async () => {
    mock = await startMockUpstream();
    bedrock = await startMockBedrock({ region: 'us-east-1', credentials: [FIRST, SECOND], apiKeys: [API_KEY, USER_API_KEY] });
  });
  afterAll(async () => {
    await bedrock.close();
    await mock.close();
  });
  beforeEach(async () => {
    bedrock.reset();
    harness = await startHarness({
      mock,
      clock: new FakeClock(T0),
      env: ENV,
      providers: [
        {
          name: 'bedrock',
          type: 'anthropic',
          upstream: 'bedrock',
          region: 'us-east-1',
          baseUrl: bedrock.url,
          modelIds: { 'team-default': 'anthropic.claude-haiku-4-5-20251001-v1:0' },
          keys: [
            { accessKeyId: '${AWS_ID_1}', secretAccessKey: '${AWS_SECRET_1}' },
            { accessKeyId: '${AWS_ID_2}', secretAccessKey: '${AWS_SECRET_2}', sessionToken: '${AWS_TOKEN_2}' },
            '${BEDROCK_API_KEY}',
          ],
        },
      ],
    });
    anthropic = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: `${harness.url}/bedrock`, maxRetries: 0 });
  });
  afterEach(() => harness.close());

  /** One message through the SDK, as `streaming` says; its text, usage, and the interception id. */
  const ask = async (request: Anthropic.MessageCreateParamsNonStreaming = MESSAGE, client = anthropic) => {
    if (!streaming) {
      const { data, response } = await client.messages.create(request).withResponse();
      return { text: textOf(data), usage: data.usage, id: response.headers.get('x-tollgate-interception-id')! };
    }
    const stream = client.messages.stream(request);
    const final = await stream.finalMessage();
    const id = (await stream.withResponse()).response.headers.get('x-tollgate-interception-id')!;
    return { text: textOf(final), usage: final.usage, id };
  };
  const keyStates = async () => {
    const response = await fetch(`${harness.url}/admin/v1/providers/bedrock/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: Array<{ hint: string; state: string; reason?: string }> }).keys;
  };

  it('answers through InvokeModel signed with the first credential, and records usage under the model asked for', async () => {
    const answer = await ask();
    expect(answer.text).toBe(MOCK_BEDROCK_TEXT);
    expect(answer.usage).toMatchObject(MOCK_BEDROCK_USAGE);
    expect(bedrock.received).toHaveLength(1);
    const [call] = bedrock.received;
    expect(call).toMatchObject({ modelId: BEDROCK_ID, operation: streaming ? 'invoke-with-response-stream' : 'invoke', identity: FIRST.accessKeyId });
    expect(call.body).toEqual({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });

    const ended = await harness.sink.waitForEnded(answer.id);
    expect(ended.tokenUsages).toEqual([expect.objectContaining({ inputTokens: 12, outputTokens: 7 })]);
    expect(ended.credentialHint).toBe('AKIA...MPLE');
    const started = await harness.sink.waitForStarted(answer.id);
    expect(started).toMatchObject({ model: 'claude-sonnet-4-5', streaming, metadata: { api: 'anthropic-messages', upstreamModel: BEDROCK_ID } });
  });

  it('moves anthropic-beta into the body and maps operator model names', async () => {
    const client = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: `${harness.url}/bedrock`, maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'context-1m-2025-08-07,interleaved-thinking-2025-05-14' } });
    await ask({ ...MESSAGE, model: 'team-default' }, client);
    expect(bedrock.received[0].modelId).toBe('anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(bedrock.received[0].body).toMatchObject({ anthropic_beta: ['context-1m-2025-08-07', 'interleaved-thinking-2025-05-14'] });
  });

  it('fails over to the next credential on ThrottlingException and cools the throttled one', async () => {
    bedrock.script(FIRST.accessKeyId, { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } });
    const answer = await ask();
    expect(answer.text).toBe(MOCK_BEDROCK_TEXT);
    expect(bedrock.received.map((request) => request.identity)).toEqual([FIRST.accessKeyId, SECOND.accessKeyId]);
    expect((await keyStates()).map((key) => key.state)).toEqual(['cooling', 'valid', 'valid']);
    // The cooldown holds for the next request: the session-token credential serves it at once.
    await ask();
    expect(bedrock.received.map((request) => request.identity)).toEqual([FIRST.accessKeyId, SECOND.accessKeyId, SECOND.accessKeyId]);
    expect((await harness.sink.waitForEnded(answer.id)).credentialHint).toBe('ASIA...AMPL');
  });

  it('disables a credential Bedrock does not recognise, and serves with the Bedrock API key as a Bearer token', async () => {
    bedrock.script(FIRST.accessKeyId, { error: { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } });
    bedrock.script(SECOND.accessKeyId, { error: { status: 403, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' } });
    const answer = await ask();
    expect(answer.text).toBe(MOCK_BEDROCK_TEXT);
    expect(bedrock.received.map((request) => request.identity)).toEqual([FIRST.accessKeyId, SECOND.accessKeyId, API_KEY]);
    expect(bedrock.received[2].headers.authorization).toBe(`Bearer ${API_KEY}`);
    const keys = await keyStates();
    expect(keys.map((key) => [key.state, key.reason])).toEqual([
      ['disabled', 'forbidden'],
      ['disabled', 'forbidden'],
      ['valid', undefined],
    ]);
  });

  it('skips a credential for a model its account has not enabled, for that model only', async () => {
    bedrock.script(FIRST.accessKeyId, { error: { status: 403, type: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID." } });
    expect((await ask()).text).toBe(MOCK_BEDROCK_TEXT);
    await ask();
    await ask({ ...MESSAGE, model: 'claude-haiku-4-5' });
    expect(bedrock.received.map((request) => [request.identity, request.modelId])).toEqual([
      [FIRST.accessKeyId, BEDROCK_ID],
      [SECOND.accessKeyId, BEDROCK_ID],
      [SECOND.accessKeyId, BEDROCK_ID],
      [FIRST.accessKeyId, 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ]);
    expect((await keyStates()).map((key) => key.state)).toEqual(['valid', 'valid', 'valid']);
  });

  it('answers Bedrock errors in Anthropic\'s shape with the same status', async () => {
    bedrock.script('*', { error: { status: 400, type: 'ValidationException', message: 'messages: field required' } });
    const error = await ask().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'messages: field required' } });
  });

  it('refuses a model that is neither mapped nor a Bedrock id before anything goes upstream', async () => {
    const error = await ask({ ...MESSAGE, model: 'gpt-4o' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((error as Error).message)).toContain("model: gpt-4o is not in this provider's Bedrock model map");
    expect(bedrock.received).toHaveLength(0);
    // A Bedrock id goes as sent.
    await ask({ ...MESSAGE, model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' });
    expect(bedrock.received[0].modelId).toBe('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it('answers 502 in Anthropic\'s shape when every credential failed authentication', async () => {
    for (const identity of [FIRST.accessKeyId, SECOND.accessKeyId, API_KEY]) {
      bedrock.script(identity, { error: { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } });
    }
    const error = await ask().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
  });

  it('sends a user\'s own Bedrock API key as a Bearer token, once, without the pool', async () => {
    const own = new Anthropic({ apiKey: USER_API_KEY, baseURL: `${harness.url}/bedrock`, maxRetries: 0, defaultHeaders: { 'x-tollgate-token': ALICE_TOKEN } });
    bedrock.script(USER_API_KEY, { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } });
    const throttled = await ask(MESSAGE, own).catch((caught: unknown) => caught);
    expect(throttled).toBeInstanceOf(Anthropic.RateLimitError);
    expect(bedrock.received.map((request) => request.identity)).toEqual([USER_API_KEY]);
    expect((await keyStates()).map((key) => key.state)).toEqual(['valid', 'valid', 'valid']);

    const answer = await ask(MESSAGE, own);
    expect(answer.text).toBe(MOCK_BEDROCK_TEXT);
    expect(bedrock.received[1].headers.authorization).toBe(`Bearer ${USER_API_KEY}`);
    expect(await harness.sink.waitForEnded(answer.id)).toMatchObject({ credentialHint: 'ABSK...ZXk=' });
    expect(await harness.sink.waitForStarted(answer.id)).toMatchObject({ credentialKind: 'byok', credentialSource: 'request' });
  });

  it('refuses an Anthropic key sent as the user\'s own, saying what to send instead', async () => {
    const own = new Anthropic({ apiKey: 'sk-ant-api03-user-key-0001', baseURL: `${harness.url}/bedrock`, maxRetries: 0, defaultHeaders: { 'x-tollgate-token': ALICE_TOKEN } });
    const error = await ask(MESSAGE, own).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(String((error as Error).message)).toContain('send a Bedrock API key');
    expect(bedrock.received).toHaveLength(0);
  });

  it('keeps every AWS secret out of the logs, the records and the key view', async () => {
    bedrock.script(FIRST.accessKeyId, { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests' } });
    const answer = await ask();
    await harness.sink.waitForEnded(answer.id);
    const keys = await keyStates();
    expect(keys.map((key) => key.hint)).toEqual(['AKIA...MPLE', 'ASIA...AMPL', 'ABSK...eQ==']);
    const pools = (await (await fetch(`${harness.url}/admin/v1/providers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { providers: unknown[] };
    expect(pools.providers).toEqual([expect.objectContaining({ name: 'bedrock', type: 'anthropic', upstream: 'bedrock', region: 'us-east-1' })]);
    const seen = [harness.logs.join('\n'), JSON.stringify(harness.sink.events), JSON.stringify(keys), JSON.stringify(pools)].join('\n');
    for (const secret of SECRETS) {
      expect(seen).not.toContain(secret);
      expect(seen).not.toContain(secret.slice(-4));
    }
  });
});

describe('Claude on Bedrock: streams', () => {
  let bedrock: MockBedrock;
  let harness: Harness;

  beforeAll(async () => {
    bedrock = await startMockBedrock({ region: 'eu-west-1', credentials: [FIRST] });
    harness = await startHarness({
      env: ENV,
      providers: [{ name: 'bedrock', type: 'anthropic', upstream: 'bedrock', region: 'eu-west-1', baseUrl: bedrock.url, keys: [{ accessKeyId: '${AWS_ID_1}', secretAccessKey: '${AWS_SECRET_1}' }] }],
    });
  });
  afterAll(async () => {
    await harness.close();
    await bedrock.close();
  });
  beforeEach(() => bedrock.reset());

  const post = (body: unknown) =>
    fetch(`${harness.url}/bedrock/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });

  it('relays every event of a stream whose messages arrive split across reads', async () => {
    bedrock.script('*', { splitMessages: true });
    const response = await post({ ...MESSAGE, stream: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(bedrock.received[0].modelId).toBe('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]).filter((type) => type !== 'ping');
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.filter((type) => type === 'content_block_delta').length).toBe(Math.ceil(MOCK_BEDROCK_TEXT.length / 8));
  });

  it('turns a mid-stream exception into an Anthropic SSE error event, recorded', async () => {
    bedrock.script('*', { exceptionAfterEvents: 3, exception: { type: 'modelStreamErrorException', message: 'The model stream failed mid-way.' } });
    const response = await post({ ...MESSAGE, stream: true });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The model stream failed mid-way."}}\n\n');
    const id = response.headers.get('x-tollgate-interception-id')!;
    const ended = await harness.sink.waitForEnded(id);
    expect(ended.error).toMatchObject({ message: expect.stringContaining('The model stream failed mid-way.') });
  });

  it('lists the model map in Anthropic\'s model-list shape, and counts tokens through CountTokens', async () => {
    const anthropic = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: `${harness.url}/bedrock`, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of anthropic.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['claude-sonnet-4-5', 'claude-haiku-4-5-20251001']));
    const count = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }] });
    expect(count.input_tokens).toBe(MOCK_BEDROCK_USAGE.input_tokens);
    expect(bedrock.received[0]).toMatchObject({ modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', operation: 'count-tokens' });
  });
});

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

describe.each([false, true])('the MCP tool loop through Bedrock (streaming: %s)', (streaming) => {
  let bedrock: MockBedrock;
  let mcp: TestMcpServer;
  let harness: Harness;

  beforeAll(async () => {
    bedrock = await startMockBedrock({ region: 'us-east-1', credentials: [FIRST, SECOND] });
    mcp = await startTestMcpServer();
  });
  afterAll(async () => {
    await mcp.close();
    await bedrock.close();
  });
  beforeEach(async () => {
    bedrock.reset();
    harness = await startHarness({
      env: ENV,
      mcp: { servers: [{ name: 'docs', url: mcp.url }], maxIterations: 3 },
      providers: [
        {
          name: 'bedrock',
          type: 'anthropic',
          upstream: 'bedrock',
          region: 'us-east-1',
          baseUrl: bedrock.url,
          keys: [
            { accessKeyId: '${AWS_ID_1}', secretAccessKey: '${AWS_SECRET_1}' },
            { accessKeyId: '${AWS_ID_2}', secretAccessKey: '${AWS_SECRET_2}', sessionToken: '${AWS_TOKEN_2}' },
          ],
        },
      ],
    });
  });
  afterEach(() => harness.close());

  it('runs the injected tool, then continues on Bedrock, each iteration signed on its own and failing over on its own', async () => {
    bedrock.script(FIRST.accessKeyId, { toolUse: { name: 'mcp_docs_search', input: { query: 'key pool' } } }, { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests' } });
    const anthropic = new Anthropic({ apiKey: ALICE_TOKEN, baseURL: `${harness.url}/bedrock`, maxRetries: 0 });
    const message = streaming ? await anthropic.messages.stream(MESSAGE).finalMessage() : await anthropic.messages.create(MESSAGE);
    expect(textOf(message)).toBe(MOCK_BEDROCK_TEXT);
    expect(mcp.calls.map((call) => [call.tool, call.arguments])).toEqual([['search', { query: 'key pool' }]]);
    expect(bedrock.received.map((request) => [request.identity, request.operation])).toEqual([
      [FIRST.accessKeyId, streaming ? 'invoke-with-response-stream' : 'invoke'],
      [FIRST.accessKeyId, streaming ? 'invoke-with-response-stream' : 'invoke'],
      [SECOND.accessKeyId, streaming ? 'invoke-with-response-stream' : 'invoke'],
    ]);
    const continuation = bedrock.received[2].body as { messages: Array<{ role: string; content: Array<{ type: string; content?: unknown }> }>; model?: string };
    expect(continuation.model).toBeUndefined();
    expect(continuation.messages.at(-1)).toMatchObject({ role: 'user', content: [{ type: 'tool_result' }] });
  });
});
