import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyEncryptionKey } from '@tollgate/byok';
import { MemoryKeyStateStore } from '@tollgate/keypool';
import { createGatewayApp } from '@tollgate/gateway';
import { DatabaseTransportProbe, EmbeddedBatchSender, InterceptionEventWriter, TypeormSqlClient, createDataSource } from '@tollgate/persistence';
import { PostgresIdentityStore, PostgresInterceptionStore, PostgresUsageStore } from '@tollgate/sql-stores';
import { createPriceTable } from '@tollgate/usage';
import { createLogger, loadConfig, runUntilSignalled } from '@tollgate/platform';
import { startMockUpstream } from '@tollgate/testing';

const DEMO_TOKEN = 'tg_demo_token';
const DEMO_ADMIN_TOKEN = 'tg_demo_admin_0123456789abcdef0123';

/** `npm run demo`: a mock provider and a gateway wired to it, fully offline, plus snippets to try. */
async function main(): Promise<void> {
  const mock = await startMockUpstream({ port: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-demo-'));
  const config = loadConfig({
    // A throwaway key-encryption key: the demo's database is temporary, so are the keys users store in it.
    env: { TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('demo') },
    document: {
      // No load balancer to tell about a shutdown: Ctrl+C stops at once (after requests in flight).
      server: { port: Number(process.argv[2] ?? 8080), host: '127.0.0.1', shutdown: { grace: 0 } },
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['demo-openai-key-0', 'demo-openai-key-1'] },
        { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: ['demo-anthropic-key-0', 'demo-anthropic-key-1'] },
      ],
      auth: { tokens: [{ token: DEMO_TOKEN, user: 'demo-user' }], adminTokens: [DEMO_ADMIN_TOKEN] },
      dataDir,
      logging: { level: 'warn' },
    },
  });
  const logger = createLogger({ level: config.logging.level, name: 'demo' });
  const dataSource = await createDataSource({ dataDir, logger, migrate: true });
  const sql = new TypeormSqlClient(dataSource);
  const gateway = await createGatewayApp({
    config,
    logger,
    eventSender: new EmbeddedBatchSender(new InterceptionEventWriter(dataSource, { prices: createPriceTable(config.prices) }), logger),
    recordingProbe: new DatabaseTransportProbe(dataSource),
    identityStore: new PostgresIdentityStore(sql),
    usageStore: new PostgresUsageStore(sql),
    interceptionStore: new PostgresInterceptionStore(sql),
    keyStateStore: new MemoryKeyStateStore(),
  });
  const url = await gateway.listen();
  process.stdout.write(snippets(url, mock.url));
  runUntilSignalled(logger, async () => {
    await gateway.close();
    await dataSource.destroy();
    await mock.close();
  });
}

function snippets(url: string, mockUrl: string): string {
  return `
Tollgate demo is running (offline: the "providers" are a local mock at ${mockUrl}).
Gateway: ${url}    gateway token: ${DEMO_TOKEN}    admin token: ${DEMO_ADMIN_TOKEN}
Console: ${url}/console/ (sign in with either token)

# OpenAI chat completions (blocking, then streaming)
curl -s ${url}/openai/v1/chat/completions -H 'Authorization: Bearer ${DEMO_TOKEN}' -H 'Content-Type: application/json' \\
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'
curl -sN ${url}/openai/v1/chat/completions -H 'Authorization: Bearer ${DEMO_TOKEN}' -H 'Content-Type: application/json' \\
  -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}'

# OpenAI Responses
curl -s ${url}/openai/v1/responses -H 'Authorization: Bearer ${DEMO_TOKEN}' -H 'Content-Type: application/json' \\
  -d '{"model":"gpt-4o-mini","input":"Hello"}'

# Anthropic messages (streaming)
curl -sN ${url}/anthropic/v1/messages -H 'x-api-key: ${DEMO_TOKEN}' -H 'anthropic-version: 2023-06-01' -H 'Content-Type: application/json' \\
  -d '{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hello"}]}'

# Key pool state (hints only)
curl -s ${url}/admin/v1/providers/openai/keys -H 'Authorization: Bearer ${DEMO_ADMIN_TOKEN}'

# The official SDKs: change only the base URL and the API key
OPENAI_BASE_URL=${url}/openai/v1 OPENAI_API_KEY=${DEMO_TOKEN} node -e '
  const OpenAI = require("openai").default;
  new OpenAI().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
    .then((r) => console.log(r.choices[0].message.content));'
ANTHROPIC_BASE_URL=${url}/anthropic ANTHROPIC_API_KEY=${DEMO_TOKEN} node -e '
  const Anthropic = require("@anthropic-ai/sdk").default;
  new Anthropic().messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] })
    .then((m) => console.log(m.content[0].text));'

Press Ctrl+C to stop.
`;
}

void main();
