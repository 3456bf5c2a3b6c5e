import { RedisStoredObjectOwners } from '@tollgate/gateway';
import { createTestRedisPrefix, dumpRedisKeyspace, startMockUpstream, testRedisUrl, type MockUpstream, type TestRedisPrefix } from '@tollgate/testing';
import { ALICE_TOKEN, BOB_TOKEN, KEYS, errorJson, startHarness, type Harness } from './support/gateway-harness';

const BOB_OWN_KEY = 'sk-bob-own-openai-key-0001';

describe('stored responses and conversations belong to the user who created them (two replicas, shared Redis)', () => {
  let mock: MockUpstream;
  let prefix: TestRedisPrefix;
  let replicaA: Harness;
  let replicaB: Harness;

  const owners = () => new RedisStoredObjectOwners({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:`, ttlMs: 3_600_000 });

  beforeAll(async () => {
    mock = await startMockUpstream();
    prefix = createTestRedisPrefix();
    replicaA = await startHarness({ mock, storedObjectOwners: owners() });
    replicaB = await startHarness({ mock, storedObjectOwners: owners() });
  });

  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await mock?.close();
    await prefix?.cleanup();
  });

  beforeEach(() => mock.reset());

  function call(harness: Harness, method: string, path: string, token: string, body?: unknown, ownKey?: string): Promise<Response> {
    const headers: Record<string, string> = ownKey ? { authorization: `Bearer ${ownKey}`, 'x-tollgate-token': token } : { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${harness.url}/openai/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  async function createResponse(stream: boolean): Promise<string> {
    const response = await call(replicaA, 'POST', '/responses', ALICE_TOKEN, { model: 'gpt-4o-mini', stream, input: 'remember this' });
    expect(response.status).toBe(200);
    const text = await response.text();
    const id = stream ? /"id":"(resp_[^"]+)"/.exec(text)?.[1] : (JSON.parse(text) as { id: string }).id;
    expect(id).toMatch(/^resp_/);
    return id!;
  }

  async function expectNotFound(response: Response): Promise<void> {
    expect(response.status).toBe(404);
    const error = await errorJson(response);
    expect(error.error).toMatchObject({ type: 'not_found_error', code: 'not_found' });
  }

  it.each([false, true])('a response (stream: %s): its creator reaches it on another replica, anyone else gets a 404 and nothing goes upstream', async (stream) => {
    const id = await createResponse(stream);
    mock.reset();

    for (const [method, path] of [
      ['GET', `/responses/${id}`],
      ['GET', `/responses/${id}/input_items`],
      ['POST', `/responses/${id}/cancel`],
      ['DELETE', `/responses/${id}`],
    ]) {
      await expectNotFound(await call(replicaB, method, path, BOB_TOKEN));
      await expectNotFound(await call(replicaA, method, path, BOB_TOKEN));
    }
    expect(mock.received).toHaveLength(0);

    const read = await call(replicaB, 'GET', `/responses/${id}`, ALICE_TOKEN);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe(id);
    expect((await call(replicaB, 'GET', `/responses/${id}/input_items`, ALICE_TOKEN)).status).toBe(200);
    expect((await call(replicaB, 'DELETE', `/responses/${id}`, ALICE_TOKEN)).status).toBe(200);
    expect(mock.received.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /openai/v1/responses/${id}`,
      `GET /openai/v1/responses/${id}/input_items`,
      `DELETE /openai/v1/responses/${id}`,
    ]);
    expect(mock.keysSeen().every((key) => KEYS.includes(key))).toBe(true);
  });

  it('a streamed response is its creator’s as soon as its id reaches the client: cancel from another replica mid-stream', async () => {
    mock.script(KEYS[0], { chunks: 4, chunkDelayMs: 300 });
    const streaming = await call(replicaA, 'POST', '/responses', ALICE_TOKEN, { model: 'gpt-4o-mini', stream: true, background: true, input: 'long task' });
    expect(streaming.status).toBe(200);
    const reader = streaming.body!.getReader();
    let seen = '';
    let id: string | undefined;
    while (!id) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended before response.created');
      seen += Buffer.from(value).toString('utf8');
      id = /"id":"(resp_[^"]+)"/.exec(seen)?.[1];
    }
    await expectNotFound(await call(replicaB, 'POST', `/responses/${id}/cancel`, BOB_TOKEN));
    const cancelled = await call(replicaB, 'POST', `/responses/${id}/cancel`, ALICE_TOKEN);
    expect(cancelled.status).toBe(200);
    expect(mock.received.at(-1)).toMatchObject({ method: 'POST', path: `/openai/v1/responses/${id}/cancel` });
    await reader.cancel();
  });

  it('a conversation: created through the gateway, reachable (items included) only by its creator, on any replica', async () => {
    const created = await call(replicaA, 'POST', '/conversations', ALICE_TOKEN, { metadata: { topic: 'secrets' } });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    expect(id).toMatch(/^conv_/);
    mock.reset();

    for (const [method, path, body] of [
      ['GET', `/conversations/${id}`, undefined],
      ['POST', `/conversations/${id}`, { metadata: { topic: 'mine now' } }],
      ['GET', `/conversations/${id}/items`, undefined],
      ['POST', `/conversations/${id}/items`, { items: [{ type: 'message', role: 'user', content: 'injected' }] }],
      ['GET', `/conversations/${id}/items/msg_1`, undefined],
      ['DELETE', `/conversations/${id}`, undefined],
    ] as Array<[string, string, unknown]>) {
      await expectNotFound(await call(replicaB, method, path, BOB_TOKEN, body));
    }
    expect(mock.received).toHaveLength(0);

    expect((await call(replicaB, 'GET', `/conversations/${id}`, ALICE_TOKEN)).status).toBe(200);
    expect((await call(replicaB, 'GET', `/conversations/${id}/items`, ALICE_TOKEN)).status).toBe(200);
    expect(mock.received).toHaveLength(2);
  });

  it.each([
    ['previous_response_id', (ids: { response: string; conversation: string }) => ({ previous_response_id: ids.response })],
    ['conversation (id)', (ids: { response: string; conversation: string }) => ({ conversation: ids.conversation })],
    ['conversation ({id})', (ids: { response: string; conversation: string }) => ({ conversation: { id: ids.conversation } })],
  ])('a new response building on another user’s %s is refused with a 404; its creator may', async (_field, reference) => {
    const response = await createResponse(false);
    const created = await call(replicaA, 'POST', '/conversations', ALICE_TOKEN, {});
    const conversation = ((await created.json()) as { id: string }).id;
    mock.reset();
    const body = { model: 'gpt-4o-mini', input: 'what did we say?', ...reference({ response, conversation }) };

    for (const stream of [false, true]) await expectNotFound(await call(replicaB, 'POST', '/responses', BOB_TOKEN, { ...body, stream }));
    expect(mock.received).toHaveLength(0);
    const own = await call(replicaB, 'POST', '/responses', ALICE_TOKEN, body);
    expect(own.status).toBe(200);
    expect(mock.received).toHaveLength(1);
  });

  it('an id never created through the gateway answers 404 to everyone (no guessing ids of the pool account)', async () => {
    await expectNotFound(await call(replicaA, 'GET', '/responses/resp_created_elsewhere', ALICE_TOKEN));
    await expectNotFound(await call(replicaA, 'GET', '/conversations/conv_created_elsewhere/items', ALICE_TOKEN));
    expect(mock.received).toHaveLength(0);
  });

  it('with the user’s own key the object lives in the user’s own account: the gateway leaves it to the provider', async () => {
    const id = await createResponse(false);
    mock.reset();
    const response = await call(replicaB, 'GET', `/responses/${id}`, BOB_TOKEN, undefined, BOB_OWN_KEY);
    expect(response.status).toBe(200);
    expect(mock.keysSeen()).toEqual([BOB_OWN_KEY]);
  });

  it('a response with store: false is not kept by the provider, so no owner is recorded for it', async () => {
    const response = await call(replicaA, 'POST', '/responses', ALICE_TOKEN, { model: 'gpt-4o-mini', store: false, input: 'forget this' });
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(await dumpRedisKeyspace(prefix.prefix)).not.toContain(`:owner:openai:response:${id}`);
    await expectNotFound(await call(replicaB, 'GET', `/responses/${id}`, ALICE_TOKEN));
  });

  it('Redis holds user ids only, never a gateway token or key', async () => {
    await createResponse(false);
    const redis = await dumpRedisKeyspace(prefix.prefix);
    expect(redis).toContain(':owner:openai:response:resp_');
    for (const secret of [ALICE_TOKEN, BOB_TOKEN, BOB_OWN_KEY, ...KEYS]) expect([secret, redis.includes(secret)]).toEqual([secret, false]);
  });
});
