import {
  createTestDatabase,
  startGatewayProcess,
  startMockUpstream,
  writeConfigFile,
  type GatewayProcess,
  type MockUpstream,
  type TestDatabase,
} from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN } from './support/gateway-harness';

const ROTATING = ['rr-key-zero-0', 'rr-key-one-1', 'rr-key-two-2'];
const LENIENT = ['ac-key-zero-0', 'ac-key-one-1'];
const CLAMPED = ['cd-key-zero-0', 'cd-key-one-1', 'cd-key-two-2'];
const METERED = ['mt-key-zero-0', 'mt-key-one-1'];

interface KeyListing {
  state: string;
  reason?: string;
  until?: string;
}

/**
 * Per-provider key-pool options written in a YAML config file reach a running gateway process. The process runs on
 * the system clock, so a cooldown deadline is checked against the wall-clock interval around the request.
 */
describe('per-provider key pool options from the config file', () => {
  let mock: MockUpstream;
  let database: TestDatabase;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    mock = await startMockUpstream();
    database = await createTestDatabase();
    const configPath = writeConfigFile({
      providers: [
        { name: 'rotating', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ROTATING, strategy: 'round-robin' },
        { name: 'lenient', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: LENIENT, authFailure: 'cooldown', authCooldown: '45s' },
        { name: 'clamped', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: CLAMPED, defaultCooldown: '90s', maxCooldown: '2m' },
        { name: 'metered', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: METERED },
      ],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }], adminTokens: [ADMIN_TOKEN] },
      server: { shutdown: { grace: 0, drainTimeout: '2s' } },
    });
    gateway = await startGatewayProcess('tollgate', configPath, { DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await mock.close();
    await database.drop();
  });
  beforeEach(() => mock.reset());

  const chat = (provider: string, headers: Record<string, string> = { authorization: `Bearer ${ALICE_TOKEN}` }) =>
    fetch(`${gateway.url}/${provider}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
  const messages = (provider: string) =>
    fetch(`${gateway.url}/${provider}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
  const keyStates = async (provider: string): Promise<KeyListing[]> => {
    const response = await fetch(`${gateway.url}/admin/v1/providers/${provider}/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: KeyListing[] }).keys;
  };
  /** The key's deadline is `cooldownMs` after some instant of the request's wall-clock window. */
  const expectUntil = (listing: KeyListing, window: { before: number; after: number }, cooldownMs: number) => {
    const until = Date.parse(listing.until ?? '');
    expect(until).toBeGreaterThanOrEqual(window.before + cooldownMs);
    expect(until).toBeLessThanOrEqual(window.after + cooldownMs);
  };
  const timed = async <T>(request: () => Promise<T>) => {
    const before = Date.now();
    const result = await request();
    return { result, window: { before, after: Date.now() } };
  };

  it('strategy: round-robin moves the starting key on every request; ordered always starts at the first', async () => {
    for (let i = 0; i < 4; i++) expect((await chat('rotating')).status).toBe(200);
    expect(mock.keysSeen()).toEqual([ROTATING[0], ROTATING[1], ROTATING[2], ROTATING[0]]);

    mock.reset();
    for (let i = 0; i < 2; i++) expect((await chat('metered')).status).toBe(200);
    expect(mock.keysSeen()).toEqual([METERED[0], METERED[0]]);
  });

  it('authFailure: cooldown cools a key on 401 (not disabled) and passes a 403 to the client unchanged', async () => {
    mock.script(LENIENT[0], { status: 401 });
    const { result: recovered, window } = await timed(() => chat('lenient'));
    expect(recovered.status).toBe(200);
    expect(mock.keysSeen()).toEqual([LENIENT[0], LENIENT[1]]);
    const [cooled, next] = await keyStates('lenient');
    expect(cooled).toMatchObject({ state: 'cooling', reason: 'unauthorized' });
    expectUntil(cooled, window, 45_000);
    expect(next).toEqual(expect.objectContaining({ state: 'valid' }));

    mock.reset();
    mock.script(LENIENT[1], { status: 403 });
    const forbidden = await chat('lenient');
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual(mock.received[0].answer?.body);
    expect(forbidden.headers.get('x-request-id')).toMatch(/^req_/);
    expect(mock.keysSeen()).toEqual([LENIENT[1]]);
    expect((await keyStates('lenient')).map((key) => key.state)).toEqual(['cooling', 'valid']);
  });

  it('defaultCooldown applies without Retry-After, and maxCooldown clamps a longer Retry-After', async () => {
    mock.script(CLAMPED[0], { status: 429 });
    mock.script(CLAMPED[1], { status: 429, headers: { 'retry-after': '3600' } });
    const { result, window } = await timed(() => messages('clamped'));
    expect(result.status).toBe(200);
    expect(mock.keysSeen()).toEqual(CLAMPED);
    const [defaulted, clamped, served] = await keyStates('clamped');
    expect([defaulted.state, clamped.state, served.state]).toEqual(['cooling', 'cooling', 'valid']);
    expectUntil(defaulted, window, 90_000);
    expectUntil(clamped, window, 120_000);
  });

  it('tollgate_key_pool_failover_attempts counts keys handed out per centralized request, never BYOK', async () => {
    const before = await failoverAttempts('metered');

    mock.script(METERED[0], { status: 429, headers: { 'retry-after': '600' } });
    expect((await chat('metered')).status).toBe(200); // 2 keys handed out
    expect((await chat('metered')).status).toBe(200); // 1 key (the first one cools down)
    const models = await fetch(`${gateway.url}/metered/v1/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(models.status).toBe(200); // passthrough: 1 key
    mock.script('sk-user-own-key', { status: 429, headers: { 'retry-after': '5' } });
    const byok = { authorization: 'Bearer sk-user-own-key', 'x-tollgate-token': ALICE_TOKEN };
    expect((await chat('metered', byok)).status).toBe(429);
    expect((await chat('metered', byok)).status).toBe(200);
    expect(mock.keysSeen()).toEqual([METERED[0], METERED[1], METERED[1], METERED[1], 'sk-user-own-key', 'sk-user-own-key']);

    const after = await failoverAttempts('metered');
    expect({
      count: after.count - before.count,
      sum: after.sum - before.sum,
      le1: after.buckets['1'] - before.buckets['1'],
      le2: after.buckets['2'] - before.buckets['2'],
    }).toEqual({ count: 3, sum: 4, le1: 2, le2: 3 });
  });

  /** The `tollgate_key_pool_failover_attempts` histogram of one provider, from /metrics. */
  async function failoverAttempts(provider: string): Promise<{ count: number; sum: number; buckets: Record<string, number> }> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const samples = text
      .split('\n')
      .map((line) => /^(tollgate_key_pool_failover_attempts_(?:bucket|sum|count))\{([^}]*)\} (\S+)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map(([, name, labels, value]) => ({ name, labels: Object.fromEntries([...labels.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]])), value: Number(value) }))
      .filter((sample) => sample.labels.provider === provider);
    const value = (name: string) => samples.find((sample) => sample.name === name)?.value ?? 0;
    const buckets: Record<string, number> = { '1': 0, '2': 0 };
    for (const sample of samples) if (sample.name.endsWith('_bucket')) buckets[sample.labels.le] = sample.value;
    return { count: value('tollgate_key_pool_failover_attempts_count'), sum: value('tollgate_key_pool_failover_attempts_sum'), buckets };
  }
});
