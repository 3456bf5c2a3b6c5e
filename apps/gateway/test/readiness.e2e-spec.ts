import {
  createTestDatabase,
  createTestRedisPrefix,
  startGatewayProcess,
  startMockUpstream,
  startTcpProxy,
  testRedisUrl,
  waitFor,
  writeConfigFile,
  type GatewayProcess,
  type MockUpstream,
  type TcpProxy,
  type TestDatabase,
  type TestRedisPrefix,
} from '@tollgate/testing';
import { ALICE_TOKEN } from './support/gateway-harness';

interface Readiness {
  status: string;
  checks: { config: string; keyState: string; recording?: string; recordingDetail?: string; recordingPendingEvents?: number };
}

async function readiness(gatewayUrl: string): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${gatewayUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

/** Polls /readyz (the probes talk to real services through a proxy, so there is no clock to fake). */
async function readinessUntil(gatewayUrl: string, status: number, also: (body: Readiness) => boolean = () => true, timeoutMs = 15_000): Promise<Readiness> {
  const answer = await waitFor(() => readiness(gatewayUrl), ({ status: now, body }) => now === status && also(body), `/readyz ${status}`, timeoutMs);
  return answer.body;
}

const chat = (gatewayUrl: string) =>
  fetch(`${gatewayUrl}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('/readyz reflects the recording transport', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());

  const providers = () => [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-long-key'] }];

  describe('standalone gateway: the queue Redis', () => {
    let proxy: TcpProxy;
    let prefix: TestRedisPrefix;
    let gateway: GatewayProcess;

    beforeAll(async () => {
      const redis = new URL(testRedisUrl());
      proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
      prefix = createTestRedisPrefix();
      const configPath = writeConfigFile({
        providers: providers(),
        auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
        keyPool: { redisKeyPrefix: `${prefix.prefix}:keys:` },
        recording: { queuePrefix: prefix.prefix, enqueueTimeout: '500ms' },
        server: { shutdown: { grace: 0, drainTimeout: '2s' } },
      });
      gateway = await startGatewayProcess('gateway', configPath, { REDIS_URL: proxy.rewrite(testRedisUrl()) });
    });
    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await proxy?.close();
      await prefix?.cleanup();
    });

    it('stays 200 naming the unreachable Redis while it is cut off (requests are served, events held), and ok once it is back', async () => {
      const up = await readinessUntil(gateway.url, 200, (body) => body.checks.recording === 'ok' && body.checks.keyState === 'ok');
      expect(up).toMatchObject({ status: 'ready', checks: { config: 'ok', keyState: 'ok', recording: 'ok' } });
      expect(up.checks.recordingDetail).toBe(`redis ${proxy.host}:${proxy.port} reachable`);

      proxy.cut();
      const down = await readinessUntil(gateway.url, 200, (body) => body.checks.recording === 'unreachable');
      expect(down).toMatchObject({ status: 'ready', checks: { recording: 'unreachable' } });
      expect(down.checks.recordingDetail).toMatch(new RegExp(`^redis ${proxy.host}:${proxy.port} unreachable: .+`));
      // Consistent with readiness: the request is served; its events wait in the gateway (startedAck: none).
      expect((await chat(gateway.url)).status).toBe(200);
      expect((await readiness(gateway.url)).body.checks.recordingPendingEvents).toBe(2);

      proxy.resume();
      const back = await readinessUntil(gateway.url, 200, (body) => body.checks.recording === 'ok' && body.checks.recordingPendingEvents === 0);
      expect(back).toMatchObject({ status: 'ready', checks: { recording: 'ok' } });
      expect((await chat(gateway.url)).status).toBe(200);
    });
  });

  describe('all-in-one: the database', () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let gateway: GatewayProcess;

    beforeAll(async () => {
      database = await createTestDatabase();
      const server = new URL(database.url);
      proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
      const configPath = writeConfigFile({
        providers: providers(),
        auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }] },
        // Every request waits until its started event is committed: the database is then needed to serve.
        recording: { startedAck: 'queued', enqueueTimeout: '1s' },
        server: { shutdown: { grace: 0, drainTimeout: '2s' } },
      });
      gateway = await startGatewayProcess('tollgate', configPath, { DATABASE_URL: proxy.rewrite(database.url) });
    });
    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await proxy?.close();
      await database?.drop();
    });

    it('with startedAck queued, is 503 naming the unreachable database while it is cut off, and 200 again once it is back', async () => {
      const up = await readinessUntil(gateway.url, 200);
      expect(up).toMatchObject({ status: 'ready', checks: { keyState: 'memory', recording: 'ok' } });
      expect(up.checks.recordingDetail).toBe(`database ${proxy.host}:${proxy.port}/${database.name} reachable`);

      proxy.cut();
      const down = await readinessUntil(gateway.url, 503);
      expect(down).toMatchObject({ status: 'unavailable', checks: { recording: 'unreachable' } });
      expect(down.checks.recordingDetail).toMatch(new RegExp(`^database ${proxy.host}:${proxy.port}/${database.name} unreachable: .+`));
      const refused = await chat(gateway.url);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'service_unavailable' } });

      proxy.resume();
      expect(await readinessUntil(gateway.url, 200)).toMatchObject({ status: 'ready', checks: { recording: 'ok' } });
      expect((await chat(gateway.url)).status).toBe(200);
    });
  });
});
