import { RedisKeyStateStore } from '@tollgate/keypool';
import { createTestRedisPrefix, dumpRedisKeyspace, startMockUpstream, startTcpProxy, waitFor, waitUntil, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, KEYS, startHarness } from './support/gateway-harness';
import { startGatewayProcess, writeConfigFile, type GatewayProcess } from '@tollgate/testing';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function keyStates(url: string): Promise<string[]> {
  const response = await fetch(`${url}/admin/v1/providers/openai/keys`, { headers: admin });
  return ((await response.json()) as { keys: Array<{ state: string }> }).keys.map((key) => key.state);
}

async function chat(url: string): Promise<number> {
  const response = await fetch(`${url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Waits until `url` lists the keys in the `expected` states. (How fast a change propagates is benchmarked, not tested.) */
async function propagation(url: string, expected: string[]): Promise<void> {
  await waitFor(() => keyStates(url), (states) => JSON.stringify(states) === JSON.stringify(expected), `key states ${JSON.stringify(expected)}`);
}

describe('key state shared by two gateway processes through Redis', () => {
  let mock: MockUpstream;
  let redisPrefix: ReturnType<typeof createTestRedisPrefix>;
  let replicaA: GatewayProcess;
  let replicaB: GatewayProcess;

  beforeAll(async () => {
    mock = await startMockUpstream();
    redisPrefix = createTestRedisPrefix();
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS }],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }], adminTokens: [ADMIN_TOKEN] },
      keyPool: { redisKeyPrefix: `${redisPrefix.prefix}kp:` },
      recording: { queuePrefix: `${redisPrefix.prefix}bull` },
      server: { shutdown: { grace: 0, drainTimeout: '5s' } },
      logging: { level: 'info' },
    });
    [replicaA, replicaB] = await Promise.all([
      startGatewayProcess('gateway', configPath, { REDIS_URL }),
      startGatewayProcess('gateway', configPath, { REDIS_URL }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await mock.close();
    await redisPrefix.cleanup();
  });

  it('a 429 seen by A makes B skip that key; a disabled key and a re-enable propagate', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '60' } });
    expect(await chat(replicaA.url)).toBe(200);
    await propagation(replicaB.url, ['cooling', 'valid', 'valid']);

    mock.reset();
    expect(await chat(replicaB.url)).toBe(200);
    expect(mock.keysSeen()).toEqual(['k1-long-key']);

    mock.script('k1-long-key', { status: 401 });
    expect(await chat(replicaA.url)).toBe(200);
    await propagation(replicaB.url, ['cooling', 'disabled', 'valid']);

    const enable = await fetch(`${replicaA.url}/admin/v1/providers/openai/keys/1/enable`, { method: 'POST', headers: admin });
    expect(enable.status).toBe(200);
    await propagation(replicaB.url, ['cooling', 'valid', 'valid']);
  });

  it('keeps no key value in Redis and none in the logs', async () => {
    const dump = await dumpRedisKeyspace(redisPrefix.prefix, REDIS_URL);
    expect(dump).toContain(redisPrefix.prefix);
    for (const key of KEYS) expect(dump).not.toContain(key);
    expect(dump).not.toContain(ALICE_TOKEN);
    for (const key of KEYS) {
      expect(replicaA.output()).not.toContain(key);
      expect(replicaB.output()).not.toContain(key);
    }
  });
});

describe('Redis lost and back while serving', () => {
  it('serves from the local view while Redis is down, then converges', async () => {
    const redisUrl = new URL(REDIS_URL);
    const proxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    const redisPrefix = createTestRedisPrefix();
    const storeFor = () => new RedisKeyStateStore({ redis: proxy.rewrite(REDIS_URL), keyPrefix: redisPrefix.prefix });
    const mock = await startMockUpstream();
    const a = await startHarness({ mock, keyStateStore: storeFor() });
    const b = await startHarness({ mock, keyStateStore: storeFor() });
    try {
      expect(await chat(a.url)).toBe(200);
      proxy.cut();
      await waitUntil(async () => ((await (await fetch(`${a.url}/readyz`)).json()) as { checks: { keyState: string } }).checks.keyState === 'degraded', 'key state degraded');
      expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('tollgate_key_state_store_connected 0');

      mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '120' } });
      expect(await chat(a.url)).toBe(200);
      expect(await chat(a.url)).toBe(200);
      expect(mock.keysSeen()).toEqual(['k0-long-key', 'k0-long-key', 'k1-long-key', 'k1-long-key']);
      expect(await keyStates(b.url)).toEqual(['valid', 'valid', 'valid']);

      proxy.resume();
      await propagation(b.url, ['cooling', 'valid', 'valid']);
      expect(await keyStates(a.url)).toEqual(['cooling', 'valid', 'valid']);
      expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('tollgate_key_state_store_connected 1');
    } finally {
      await a.close();
      await b.close();
      await mock.close();
      await proxy.close();
      await redisPrefix.cleanup();
    }
  });
});
