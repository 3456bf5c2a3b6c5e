import { createTestRedisPrefix, startGatewayProcess, startMockUpstream, waitUntil, writeConfigFile, type GatewayProcess, type MockUpstream, type TestRedisPrefix } from '@tollgate/testing';
import { ALICE_TOKEN, KEYS } from './support/gateway-harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('concurrency slots of a replica that crashed', () => {
  let mock: MockUpstream;
  let prefix: TestRedisPrefix;
  let victim: GatewayProcess;
  let survivor: GatewayProcess;

  const chat = (replica: GatewayProcess, stream = false) =>
    fetch(`${replica.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] }),
    });

  async function concurrencyRemaining(replica: GatewayProcess): Promise<number> {
    const response = await fetch(`${replica.url}/v1/me/limits`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    const { items } = (await response.json()) as { items: Array<{ kind: string; remaining: number }> };
    return items.find((item) => item.kind === 'concurrency')!.remaining;
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    prefix = createTestRedisPrefix();
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS }],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
      keyPool: { redisKeyPrefix: `${prefix.prefix}:` },
      recording: { queuePrefix: `${prefix.prefix}bull` },
      // A short lease, so that the test waits a second for the crashed replica's slot rather than 30.
      limits: { default: { concurrent: 1 }, concurrencyLease: '1s' },
      server: { shutdown: { grace: 0, drainTimeout: '5s' } },
      logging: { level: 'info' },
    });
    [victim, survivor] = await Promise.all([startGatewayProcess('gateway', configPath, { REDIS_URL }), startGatewayProcess('gateway', configPath, { REDIS_URL })]);
  });

  afterAll(async () => {
    await Promise.all([victim?.stop(), survivor?.stop()]);
    await mock.close();
    await prefix.cleanup();
  });

  it('holds the slot while the replica renews it, and frees it a lease length after the replica was killed', async () => {
    mock.script('*', { stallAfterChunks: 1 });
    const running = await chat(victim, true);
    expect(running.status).toBe(200);
    await running.body!.getReader().read();
    // Past two and a half lease lengths the replica's renewals still hold the slot.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const refused = await chat(survivor);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('concurrency_limit_exceeded');

    const exited = new Promise((resolve) => victim.child.once('exit', resolve));
    victim.child.kill('SIGKILL');
    await exited;
    // Nobody releases the slot now: it frees itself when the lease runs out.
    await waitUntil(async () => (await concurrencyRemaining(survivor)) > 0, "the killed gateway's slot to expire");
    const admitted = await chat(survivor);
    expect(admitted.status).toBe(200);
    await admitted.text();
  });
});
