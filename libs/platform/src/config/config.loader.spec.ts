import { ConfigError, loadConfig } from './config.loader';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const minimal = {
    providers: [
      { name: 'openai', type: 'openai', baseUrl: 'https://api.openai.com/v1/', keys: ['${OPENAI_KEY_1}', '${OPENAI_KEY_2:-}'] },
      { name: 'anthropic', type: 'anthropic', keys: ['${ANTHROPIC_KEY_1}'], defaultCooldown: '30s', maxCooldown: '2h' },
    ],
    auth: { tokens: [{ token: '${ALICE_TOKEN}', user: 'alice' }], adminTokens: ['${ADMIN_TOKEN:-}'] },
  };
  const env = { OPENAI_KEY_1: 'sk-one', ANTHROPIC_KEY_1: 'sk-ant-one', ALICE_TOKEN: 'tg_alice_token' };

  it('interpolates the environment, drops empty keys and applies defaults', () => {
    const config = loadConfig({ document: minimal, env });
    expect(config.providers[0].keys).toEqual(['sk-one']);
    expect(config.providers[1]).toMatchObject({ keys: ['sk-ant-one'], defaultCooldownMs: 30_000, maxCooldownMs: 7_200_000 });
    expect(config.providers[0]).toMatchObject({ strategy: 'ordered', authFailure: 'disable', authCooldownMs: 60_000 });
    expect(config.auth.tokens).toEqual([{ token: 'tg_alice_token', user: 'alice' }]);
    expect(config.auth.adminTokens).toEqual([]);
    expect(config.server).toMatchObject({ port: 8080, maxBodyBytes: 32 * 1024 * 1024 });
    expect(config.redisUrl).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads the recording settings with their defaults, and the enqueue timeout under its old name too', () => {
    expect(loadConfig({ document: minimal, env }).recording).toMatchObject({
      failurePolicy: 'closed',
      startedAck: 'none',
      maxPendingEvents: 100_000,
      batch: { maxEvents: 256, maxDelayMs: 5 },
      enqueueTimeoutMs: 5_000,
      worker: { batchSize: 1_000, batchMaxWaitMs: 20, concurrency: 64, pairWaitMs: 200 },
    });
    const strict = loadConfig({
      document: { ...minimal, recording: { startedAck: 'queued', maxPendingEvents: 10, batch: { maxEvents: 8, maxDelay: '1ms' }, enqueueTimeout: '2s' } },
      env,
    });
    expect(strict.recording).toMatchObject({ startedAck: 'queued', maxPendingEvents: 10, batch: { maxEvents: 8, maxDelayMs: 1 }, enqueueTimeoutMs: 2_000 });
    expect(loadConfig({ document: { ...minimal, recording: { endedTimeout: '750ms' } }, env }).recording.enqueueTimeoutMs).toBe(750);
    expect(problemsOf(() => loadConfig({ document: { ...minimal, recording: { startedAck: 'always', maxPendingEvents: 1 } }, env }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^recording\.startedAck: /), expect.stringMatching(/^recording\.maxPendingEvents: /)]),
    );
  });

  it('reads the queue sharding settings: one queue on REDIS_URL by default, 1 to 256 shards, cluster seeds as URLs', () => {
    expect(loadConfig({ document: minimal, env }).recording).toMatchObject({ queueName: 'tollgate-interceptions', queueShards: 1, redisCluster: [] });
    expect(loadConfig({ document: minimal, env }).recording.drainQueueShards).toBeUndefined();
    const sharded = loadConfig({
      document: { ...minimal, recording: { queueShards: 4, drainQueueShards: 1, redisCluster: ['redis://10.0.0.1:6379', 'rediss://10.0.0.2:6380'] } },
      env,
    });
    expect(sharded.recording).toMatchObject({ queueShards: 4, drainQueueShards: 1, redisCluster: ['redis://10.0.0.1:6379', 'rediss://10.0.0.2:6380'] });
    expect(problemsOf(() => loadConfig({ document: { ...minimal, recording: { queueShards: 0, drainQueueShards: 257, redisCluster: ['10.0.0.1:6379'] } }, env }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^recording\.queueShards: /),
        expect.stringMatching(/^recording\.drainQueueShards: /),
        expect.stringMatching(/^recording\.redisCluster\[0\]: /),
      ]),
    );
  });

  it('reads the privacy settings: prompts full by default, retention off unless given in days (at least 1h)', () => {
    expect(loadConfig({ document: minimal, env }).recording).toMatchObject({ prompts: 'full', retentionMs: undefined, retentionIntervalMs: 300_000 });
    const kept = loadConfig({ document: { ...minimal, recording: { prompts: 'truncated', retention: '30d', retentionInterval: '1m' } }, env });
    expect(kept.recording).toMatchObject({ prompts: 'truncated', retentionMs: 30 * 86_400_000, retentionIntervalMs: 60_000 });
    expect(problemsOf(() => loadConfig({ document: { ...minimal, recording: { prompts: 'some', retention: '5m' } }, env }))).toEqual(
      expect.arrayContaining(['recording.retention: must be at least 1h', expect.stringMatching(/^recording\.prompts: /)]),
    );
  });

  it('takes periods longer than a timer can wait where no timer waits on them: retention and the stored-object owner TTL', () => {
    const long = loadConfig({ document: { ...minimal, recording: { retention: '400d' }, storedObjects: { ownerTtl: '90d' } }, env });
    expect(long.recording.retentionMs).toBe(400 * 86_400_000);
    expect(long.storedObjects.ownerTtlMs).toBe(90 * 86_400_000);
    expect(problemsOf(() => loadConfig({ document: { ...minimal, recording: { retentionInterval: '30d' } }, env }))).toEqual([expect.stringMatching(/^recording\.retentionInterval: must be at most 596h/)]);
  });

  it('lets PORT, REDIS_URL and DATABASE_URL override the file', () => {
    const config = loadConfig({
      document: { ...minimal, server: { port: 1 } },
      env: { ...env, PORT: '9999', REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://d/db' },
    });
    expect(config.server.port).toBe(9999);
    expect(config.redisUrl).toBe('redis://r:6379');
    expect(config.databaseUrl).toBe('postgres://d/db');
  });

  describe('server limits', () => {
    it('defaults: 1 MiB API bodies, 10 s for headers, 60 s for a whole request, 64 MiB blocking answers, 8 MiB SSE events', () => {
      const { server } = loadConfig({ document: minimal, env });
      expect(server).toMatchObject({ apiMaxBodyBytes: 1024 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000 });
      expect(server.upstream).toMatchObject({ maxResponseBytes: 64 * 1024 * 1024, maxEventBytes: 8 * 1024 * 1024 });
    });

    it('reads sizes and durations, and refuses a headers timeout longer than the request timeout', () => {
      const document = { ...minimal, server: { apiMaxBodyBytes: '64KiB', headersTimeout: '2s', requestTimeout: '30s', upstream: { maxResponseBytes: '1MiB', maxEventBytes: 4096 } } };
      const { server } = loadConfig({ document, env });
      expect(server).toMatchObject({ apiMaxBodyBytes: 65_536, headersTimeoutMs: 2_000, requestTimeoutMs: 30_000 });
      expect(server.upstream).toMatchObject({ maxResponseBytes: 1024 * 1024, maxEventBytes: 4096 });
      const problems = problemsOf(() => loadConfig({ document: { ...minimal, server: { headersTimeout: '2m', requestTimeout: '1m' } }, env }));
      expect(problems).toEqual(['server.headersTimeout: must not be longer than server.requestTimeout']);
    });
  });

  it('names each bad field by its path', () => {
    const problems = problemsOf(() =>
      loadConfig({
        document: {
          providers: [
            { name: 'ok', type: 'openai' },
            { name: 'Bad Name', type: 'openai', baseUrl: 'not a url', keys: [] },
            { name: 'ok', type: 'cohere', defaultCooldown: 'soon' },
          ],
          surprise: true,
        },
        env: {},
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'providers[1].name: must match ^[a-z0-9]+(-[a-z0-9]+)*$',
        'providers[1].baseUrl: must be an http(s) URL',
        expect.stringMatching(/^providers\[2\]\.type: /),
        'providers[2].defaultCooldown: must be a duration such as 500ms, 30s, 5m or 1h',
        '(root): unknown field(s) surprise',
      ]),
    );
  });

  it('reports every missing variable by name and path, with the other problems, and never prints a secret value', () => {
    const secret = 'sk-proj-super-secret-value';
    const problems = problemsOf(() =>
      loadConfig({
        document: { providers: [{ name: 'o', type: 'openai', keys: [secret], baseUrl: secret }], auth: { tokens: [{ token: secret, user: 'a' }] } },
        env: {},
      }),
    );
    expect(problems.join('\n')).not.toContain(secret);
    expect(problems).toEqual(expect.arrayContaining(['auth.tokens[0].token: must start with tg_']));

    const missing = problemsOf(() => loadConfig({ document: minimal, env: { OPENAI_KEY_1: 'x' } }));
    expect(missing).toEqual([
      'providers[1].keys[0]: environment variable ANTHROPIC_KEY_1 is not set',
      'auth.tokens[0].token: environment variable ALICE_TOKEN is not set',
    ]);

    const secretsInEnv = { OPENAI_KEY_1: secret, THE_BASE_URL: secret };
    const mixed = problemsOf(() =>
      loadConfig({
        document: {
          providers: [
            { name: 'openai', type: 'openai', baseUrl: '${THE_BASE_URL}', keys: ['${OPENAI_KEY_1}', '${OPENAI_KEY_2}'] },
            { name: 'anthropic', type: 'anthropic', baseUrl: '${ANTHROPIC_BASE_URL}', keys: ['${ANTHROPIC_KEY_1}'] },
          ],
          auth: { adminTokens: ['${ADMIN_TOKEN}'] },
        },
        env: secretsInEnv,
      }),
    );
    expect(mixed).toEqual([
      'providers[0].keys[1]: environment variable OPENAI_KEY_2 is not set',
      'providers[1].baseUrl: environment variable ANTHROPIC_BASE_URL is not set',
      'providers[1].keys[0]: environment variable ANTHROPIC_KEY_1 is not set',
      'auth.adminTokens[0]: environment variable ADMIN_TOKEN is not set',
      'providers[0].baseUrl: must be an http(s) URL',
    ]);
    expect(mixed.join('\n')).not.toContain(secret);
  });

  it('rejects duplicate provider names and tokens', () => {
    const problems = problemsOf(() =>
      loadConfig({
        document: {
          providers: [
            { name: 'a', type: 'openai' },
            { name: 'a', type: 'anthropic' },
          ],
          auth: { tokens: [{ token: 'tg_same_token', user: 'x' }, { token: 'tg_same_token', user: 'y' }] },
        },
        env: {},
      }),
    );
    expect(problems).toEqual(['providers[1].name: duplicate provider name "a"', 'auth.tokens[1].token: duplicate token']);
  });

  describe('Azure OpenAI providers', () => {
    const azure = (fields: Record<string, unknown>) => ({ providers: [{ name: 'azure', type: 'openai', keys: ['k'], ...fields }] });

    it('reads auth and the deployment form, with bearer auth and the default API version unless set', () => {
      const config = loadConfig({
        document: {
          providers: [
            { name: 'plain', type: 'openai' },
            { name: 'azure', type: 'openai', baseUrl: 'https://res.openai.azure.com/', auth: 'api-key', azure: { deployments: { 'gpt-4o': 'prod-gpt4o' } } },
            { name: 'azure-v1', type: 'openai', baseUrl: 'https://res.openai.azure.com/openai/v1/', auth: 'api-key' },
            { name: 'dated', type: 'openai', baseUrl: 'https://res.openai.azure.com', azure: { apiVersion: '2024-10-21' } },
          ],
        },
        env: {},
      });
      expect(config.providers[0]).toMatchObject({ auth: 'bearer' });
      expect(config.providers[0].azure).toBeUndefined();
      expect(config.providers[1]).toMatchObject({ auth: 'api-key', azure: { apiVersion: '2025-04-01-preview', deployments: { 'gpt-4o': 'prod-gpt4o' } } });
      expect(config.providers[2]).toMatchObject({ auth: 'api-key' });
      expect(config.providers[2].azure).toBeUndefined();
      expect(config.providers[3]).toMatchObject({ auth: 'bearer', azure: { apiVersion: '2024-10-21', deployments: {} } });
    });

    it.each([
      [azure({ baseUrl: 'https://r.openai.azure.com/', auth: 'apikey' }), /^providers\[0\]\.auth: /],
      [azure({ baseUrl: 'https://r.openai.azure.com/', azure: { apiVersion: 'latest' } }), /^providers\[0\]\.azure\.apiVersion: must be an Azure OpenAI API version/],
      [azure({ baseUrl: 'https://r.openai.azure.com/', azure: { deployments: { 'gpt-4o': 'has/slash' } } }), /^providers\[0\]\.azure\.deployments\.gpt-4o: must be an Azure deployment name/],
      [azure({ baseUrl: 'https://r.openai.azure.com/', azure: { region: 'x' } }), /^providers\[0\]\.azure: unknown field\(s\) region/],
      [azure({ auth: 'api-key' }), /^providers\[0\]\.baseUrl: an Azure OpenAI provider needs its resource's baseUrl, e\.g\. https:\/\/\{resource\}\.openai\.azure\.com\/openai\/v1\/$/],
      [azure({ azure: {} }), /^providers\[0\]\.baseUrl: an Azure OpenAI provider needs its resource's baseUrl, e\.g\. https:\/\/\{resource\}\.openai\.azure\.com\/$/],
      [azure({ baseUrl: 'https://r.openai.azure.com/openai/v1/', azure: {} }), /^providers\[0\]\.baseUrl: with azure \(deployment URLs\) baseUrl is the resource endpoint/],
      [azure({ baseUrl: 'https://r.openai.azure.com/', auth: 'api-key', userEndpoints: true }), /^providers\[0\]\.userEndpoints: user endpoints are plain OpenAI-compatible/],
      [{ providers: [{ name: 'a', type: 'anthropic', auth: 'api-key' }] }, /^providers\[0\]\.auth: auth: api-key is Azure OpenAI's: only for type openai$/],
      [{ providers: [{ name: 'a', type: 'anthropic', azure: {} }] }, /^providers\[0\]\.azure: azure deployments are Azure OpenAI's: only for type openai$/],
    ])('refuses %j by its field path', (document, problem) => {
      expect(problemsOf(() => loadConfig({ document, env: {} }))).toEqual([expect.stringMatching(problem)]);
    });
  });

  it('fails clearly when an explicitly named file does not exist', () => {
    expect(problemsOf(() => loadConfig({ path: '/nonexistent/tollgate.yaml', env: {} }))).toEqual([
      'config file not found: /nonexistent/tollgate.yaml',
    ]);
  });

  describe('mcp', () => {
    it('defaults to no servers, 8 iterations, a 30 s tool timeout, a one-minute refresh, tools for pool keys only', () => {
      expect(loadConfig({ document: minimal, env }).mcp).toEqual({
        servers: [],
        maxIterations: 8,
        toolTimeoutMs: 30_000,
        refreshIntervalMs: 60_000,
        connectTimeoutMs: 10_000,
        userKeys: false,
        userEndpoints: false,
      });
    });

    it('reads mcp.userKeys and mcp.userEndpoints', () => {
      const config = loadConfig({ document: { ...minimal, mcp: { userKeys: true, userEndpoints: true } }, env });
      expect(config.mcp).toMatchObject({ userKeys: true, userEndpoints: true });
    });

    it('reads servers with interpolated headers and filters', () => {
      const config = loadConfig({
        document: {
          ...minimal,
          mcp: {
            servers: [{ name: 'docs', url: 'https://mcp.internal/mcp', headers: { Authorization: 'Bearer ${DOCS_MCP_TOKEN}' }, allow: ['^search_'] }],
            toolTimeout: '5s',
          },
        },
        env: { ...env, DOCS_MCP_TOKEN: 'mcp-token' },
      });
      expect(config.mcp.servers).toEqual([
        { name: 'docs', url: 'https://mcp.internal/mcp', headers: { Authorization: 'Bearer mcp-token' }, allow: ['^search_'], deny: [] },
      ]);
      expect(config.mcp.toolTimeoutMs).toBe(5_000);
    });

    it('rejects a duplicate server name', () => {
      const servers = [
        { name: 'docs', url: 'https://a/mcp' },
        { name: 'docs', url: 'https://b/mcp' },
      ];
      expect(problemsOf(() => loadConfig({ document: { ...minimal, mcp: { servers } }, env }))).toEqual([
        'mcp.servers[1].name: duplicate MCP server name "docs"',
      ]);
    });

    it('rejects bad names, bad URLs, bad patterns and a zero iteration bound', () => {
      const problems = problemsOf(() =>
        loadConfig({
          document: {
            ...minimal,
            mcp: {
              servers: [
                { name: 'Docs!', url: 'https://a/mcp' },
                { name: 'ok', url: 'ftp://a' },
                { name: 'ok', url: 'https://b/mcp', deny: ['('] },
              ],
              maxIterations: 0,
            },
          },
          env,
        }),
      ).join('\n');
      expect(problems).toMatch(/mcp\.servers\[0\]\.name/);
      expect(problems).toMatch(/mcp\.servers\[1\]\.url: must be an http\(s\) URL/);
      expect(problems).toMatch(/mcp\.servers\[2\]\.deny\[0\]: must be a valid regular expression/);
      expect(problems).toMatch(/mcp\.maxIterations/);
    });
  });

  describe('storedObjects', () => {
    it('remembers owners of stored responses and conversations 30 days by default, or as configured', () => {
      expect(loadConfig({ document: minimal, env }).storedObjects).toEqual({ ownerTtlMs: 30 * 24 * 3_600_000 });
      expect(loadConfig({ document: { ...minimal, storedObjects: { ownerTtl: '48h' } }, env }).storedObjects).toEqual({ ownerTtlMs: 48 * 3_600_000 });
    });
  });

  describe('budgets', () => {
    it('has no default budget and the estimate defaults when the section is absent', () => {
      expect(loadConfig({ document: minimal, env }).budgets).toEqual({ estimate: { defaultMaxOutputTokens: 4096, charsPerToken: 4 } });
    });

    it('reads a default budget in US dollars as integer micro-dollars', () => {
      const config = loadConfig({
        document: { ...minimal, budgets: { default: { amount: 12.345678, period: 'week' }, estimate: { charsPerToken: 3 } } },
        env,
      });
      expect(config.budgets).toEqual({
        default: { amountMicros: 12_345_678, period: 'week' },
        estimate: { defaultMaxOutputTokens: 4096, charsPerToken: 3 },
      });
    });

    it('rejects a negative amount, an unknown period and unknown fields', () => {
      const problems = problemsOf(() =>
        loadConfig({ document: { ...minimal, budgets: { default: { amount: -1, period: 'year' }, estimate: { charsPerToken: 0 }, extra: 1 } }, env }),
      );
      expect(problems.join('\n')).toMatch(/budgets\.default\.amount/);
      expect(problems.join('\n')).toMatch(/budgets\.default\.period/);
      expect(problems.join('\n')).toMatch(/budgets\.estimate\.charsPerToken/);
      expect(problems.join('\n')).toMatch(/extra/);
    });
  });

  describe('prices', () => {
    it('uses the default table with no entries when the section is absent', () => {
      expect(loadConfig({ document: minimal, env }).prices).toEqual({ useDefaults: true, entries: [] });
    });

    it('reads entries, defaulting the provider to * and leaving unset cache prices unset', () => {
      const config = loadConfig({
        document: {
          ...minimal,
          prices: {
            useDefaults: false,
            entries: [
              { model: 'gpt-4o*', input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 },
              { provider: 'azure-east', model: 'my-model', input: 0, output: 0.5 },
            ],
          },
        },
        env,
      });
      expect(config.prices).toEqual({
        useDefaults: false,
        entries: [
          { provider: '*', model: 'gpt-4o*', input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 },
          { provider: 'azure-east', model: 'my-model', input: 0, output: 0.5 },
        ],
      });
    });

    it('rejects negative or non-numeric prices, a missing model and unknown fields', () => {
      const problems = problemsOf(() =>
        loadConfig({
          document: {
            ...minimal,
            prices: {
              useDefaults: 'yes',
              entries: [
                { model: 'm', input: -1, output: 1 },
                { model: 'm', input: 1, output: '2', cacheRead: -0.5 },
                { input: 1, output: 1, currency: 'EUR' },
              ],
              extra: 1,
            },
          },
          env,
        }),
      );
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^prices\.useDefaults: /),
          'prices.entries[0].input: must be a number ≥ 0 (USD per million tokens)',
          expect.stringMatching(/^prices\.entries\[1\]\.output: /),
          'prices.entries[1].cacheRead: must be a number ≥ 0 (USD per million tokens)',
          expect.stringMatching(/^prices\.entries\[2\]\.model: /),
          'prices.entries[2]: unknown field(s) currency',
          'prices: unknown field(s) extra',
        ]),
      );
      expect(problems).toHaveLength(7);
    });
  });
});
