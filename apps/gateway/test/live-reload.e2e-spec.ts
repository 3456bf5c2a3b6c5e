import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { createTestRedisPrefix, startMockUpstream, waitUntil, type MockUpstream } from '@tollgate/testing';
import { ALICE_TOKEN, BOB_TOKEN } from './support/gateway-harness';
import { startGatewayProcess, writeConfigFile, type GatewayProcess } from '@tollgate/testing';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('live reload of tollgate.yaml', () => {
  let mock: MockUpstream;
  let redisPrefix: ReturnType<typeof createTestRedisPrefix>;
  let configPath: string;
  let gateway: GatewayProcess;

  const document = (keys: string[], tokens: Array<{ token: string; user: string }>, extra: Record<string, unknown> = {}) => ({
    providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys }],
    auth: { tokens },
    ...extra,
    keyPool: { redisKeyPrefix: `${redisPrefix.prefix}kp:` },
    recording: { queuePrefix: `${redisPrefix.prefix}bull` },
    server: { shutdown: { grace: 0, drainTimeout: '5s' } },
  });
  const chat = async (token = ALICE_TOKEN, stream = false) => {
    const response = await fetch(`${gateway.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ model: 'gpt-test', stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    mock = await startMockUpstream();
    redisPrefix = createTestRedisPrefix();
    configPath = writeConfigFile(document(['old-key-0000'], [{ token: ALICE_TOKEN, user: 'alice' }]));
    gateway = await startGatewayProcess('gateway', configPath, { REDIS_URL });
  });
  afterAll(async () => {
    await gateway?.stop();
    await mock.close();
    await redisPrefix.cleanup();
  });

  it('a key and a token added to the file are used without a restart; a stream in flight is not dropped', async () => {
    mock.script('*', { chunks: 10, chunkDelayMs: 150 });
    const inFlight = chat(ALICE_TOKEN, true);
    await mock.waitForRequest(0);

    writeFileSync(configPath, stringify(document(['new-key-1111'], [{ token: ALICE_TOKEN, user: 'alice' }, { token: BOB_TOKEN, user: 'bob' }])));
    await waitUntil(async () => (await chat(BOB_TOKEN)).status === 200, 'bob accepted');
    expect(mock.keysSeen().at(-1)).toBe('new-key-1111');

    const streamed = await inFlight;
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('[DONE]');
    expect(mock.keysSeen()[0]).toBe('old-key-0000');
  });

  it('an invalid edit is rejected with a clear log and the old configuration stays', async () => {
    writeFileSync(configPath, stringify({ providers: [{ name: 'Bad Name', type: 'openai' }] }));
    gateway.child.kill('SIGHUP');
    await waitUntil(async () => gateway.output().includes('configuration reload rejected'), 'the reload rejected');
    expect(gateway.output()).toContain('providers[0].name: must match');
    mock.reset();
    expect((await chat(BOB_TOKEN)).status).toBe(200);
    expect(mock.keysSeen()).toEqual(['new-key-1111']);
  });

  it('SIGHUP applies a valid file at once', async () => {
    writeFileSync(configPath, stringify(document(['sighup-key-22'], [{ token: ALICE_TOKEN, user: 'alice' }])));
    gateway.child.kill('SIGHUP');
    await waitUntil(async () => (await chat(BOB_TOKEN)).status === 401, 'bob refused');
    mock.reset();
    expect((await chat(ALICE_TOKEN)).status).toBe(200);
    expect(mock.keysSeen()).toEqual(['sighup-key-22']);
    expect(gateway.output()).not.toContain('sighup-key-22');
  });

  it('a file edit applies byok.mode live and names each changed setting that needs a restart in one warning line', async () => {
    const byokChat = () =>
      fetch(`${gateway.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-user-own-key-0000', 'x-tollgate-token': ALICE_TOKEN },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
      });
    const tokens = [{ token: ALICE_TOKEN, user: 'alice' }];
    writeFileSync(configPath, stringify(document(['byok-pool-key'], tokens)));
    gateway.child.kill('SIGHUP');
    await waitUntil(async () => (await byokChat()).status === 200, 'BYOK accepted');

    writeFileSync(configPath, stringify(document(['byok-pool-key'], tokens, { byok: { mode: 'disabled', verifyTimeout: '3s' }, identity: { pollInterval: '5s' } })));
    await waitUntil(async () => (await byokChat()).status === 403, 'BYOK refused');
    const refused = (await (await byokChat()).json()) as { error: { code: string } };
    expect(refused.error.code).toBe('byok_disabled');

    const warnings = gateway.output().split('\n').filter((line) => line.includes('take effect only after a restart'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('after a restart: byok.verifyTimeout, identity.pollInterval"');
    expect(warnings[0]).not.toContain('byok.mode');
  });
});
