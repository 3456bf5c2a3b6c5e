// `npm run console:screenshots`: the pictures in docs/console.md. A mock provider and an all-in-one gateway on a
// throwaway embedded database, an hour of made-up history plus live requests, then each page in headless Chromium.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { generateKeyEncryptionKey } from '@tollgate/byok';
import { MemoryKeyStateStore } from '@tollgate/keypool';
import { createGatewayApp } from '@tollgate/gateway';
import { EmbeddedBatchSender, InterceptionEventWriter, TypeormSqlClient, createDataSource } from '@tollgate/persistence';
import { createLogger, loadConfig } from '@tollgate/platform';
import { PostgresAdminAuditLog, PostgresIdentityStore, PostgresInterceptionStore, PostgresUsageStore } from '@tollgate/sql-stores';
import { buildEndedEvent, buildStartedEvent, launchChromium, startMockUpstream, startTestMcpServer } from '@tollgate/testing';
import { createPriceTable } from '@tollgate/usage';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'docs/console');
const ADMIN_TOKEN = 'tg_screenshots_admin_0123456789abcdef';
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5'];
const USERS = ['alice', 'bob', 'carol'];

async function main(): Promise<void> {
  const mock = await startMockUpstream();
  const mcp = await startTestMcpServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-screenshots-'));
  const logger = createLogger({ level: 'warn', name: 'screenshots' });
  const config = loadConfig({
    env: { TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('screenshots') },
    document: {
      server: { port: 0, shutdown: { grace: 0 } },
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['sk-mock-company-key-0000aaaa', 'sk-mock-company-key-1111bbbb'] },
        { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: ['sk-ant-mock-company-cccc'] },
      ],
      auth: { adminTokens: [ADMIN_TOKEN] },
      budgets: { default: { amount: 25, period: 'month' } },
      console: { assetsDir: join(ROOT, 'dist/console'), jaegerUrl: 'http://localhost:16686' },
      // One MCP server that answers and one that does not, for the MCP tools page.
      mcp: {
        servers: [
          { name: 'docs', url: mcp.url, deny: ['^delete_'] },
          { name: 'tickets', url: 'http://127.0.0.1:9/mcp' },
        ],
        connectTimeout: '2s',
      },
      dataDir,
      logging: { level: 'warn' },
    },
  });
  const dataSource = await createDataSource({ dataDir, logger, migrate: true });
  const writer = new InterceptionEventWriter(dataSource, { prices: createPriceTable(config.prices) });
  const sql = new TypeormSqlClient(dataSource);
  const gateway = await createGatewayApp({
    config,
    logger,
    eventSender: new EmbeddedBatchSender(writer, logger),
    keyStateStore: new MemoryKeyStateStore(),
    identityStore: new PostgresIdentityStore(sql),
    usageStore: new PostgresUsageStore(sql),
    interceptionStore: new PostgresInterceptionStore(sql),
    adminAuditLog: new PostgresAdminAuditLog(sql),
  });
  const url = await gateway.listen(0, '127.0.0.1');
  const browser = await launchChromium();
  try {
    await writer.applyBatch(madeUpHistory());
    const tokens = await createUsers(url);
    await traffic(url, tokens, mock);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });

    const operator = await (await browser.newContext({ width: 1280, height: 860 })).newPage();
    await signIn(operator, url, ADMIN_TOKEN, 'Overview');
    await shoot(operator, 'overview');
    for (const [link, name, fullPage] of [
      ['Key pools', 'key-pools', true],
      ['MCP tools', 'mcp-tools', true],
      ['Interceptions', 'interceptions', false],
      ['Budgets & usage', 'budgets', true],
    ] as const) {
      await operator.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link, exact: true }).click();
      await shoot(operator, name, fullPage);
    }
    await operator.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Interceptions', exact: true }).click();
    await operator.getByRole('region', { name: 'Interceptions' }).getByRole('link').first().click();
    await operator.getByRole('heading', { name: 'Token usage and cost' }).waitFor();
    await shoot(operator, 'interception-detail');
    await operator.goto(`${url}/console/users?user=alice`);
    await operator.getByLabel('Token name (optional)').fill('ci-runner');
    await operator.getByRole('button', { name: 'Issue token' }).click();
    await operator.getByLabel('New gateway token').waitFor();
    await shoot(operator, 'users');
    await operator.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Teams', exact: true }).click();
    await operator.getByRole('button', { name: /^platform/ }).click();
    await operator.getByRole('heading', { level: 2, name: 'Platform team (platform)' }).waitFor();
    await shoot(operator, 'teams');
    await operator.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log', exact: true }).click();
    await operator.getByRole('region', { name: 'Admin actions' }).waitFor();
    await shoot(operator, 'audit-log', false);

    const user = await (await browser.newContext({ width: 1280, height: 860 })).newPage();
    await signIn(user, url, tokens.get('bob')!, 'My account');
    await shoot(user, 'my-account');

    const phone = await (await browser.newContext({ width: 390, height: 844 })).newPage();
    await signIn(phone, url, ADMIN_TOKEN, 'Overview');
    await shoot(phone, 'overview-phone', false);
    await phone.goto(`${url}/console/keys`);
    await shoot(phone, 'key-pools-phone', false);
    process.stdout.write(`screenshots in ${OUT}\n${bundleReport()}\n`);
  } finally {
    await browser.close();
    await gateway.close();
    await dataSource.destroy();
    await mock.close();
    await mcp.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** An hour of interceptions before now, a few a minute, some failing, so the charts have a shape. */
function madeUpHistory() {
  const events = [];
  const now = Date.now();
  for (let minute = 60; minute >= 1; minute--) {
    const perMinute = 2 + Math.round(3 + 3 * Math.sin(minute / 7));
    for (let index = 0; index < perMinute; index++) {
      const at = new Date(now - minute * 60_000 + index * 7_000).toISOString();
      const model = MODELS[(minute + index) % MODELS.length];
      const anthropic = model.startsWith('claude');
      const started = buildStartedEvent({
        initiatorId: USERS[(minute * 3 + index) % USERS.length],
        providerType: anthropic ? 'anthropic' : 'openai',
        providerName: anthropic ? 'anthropic' : 'openai',
        model,
        client: index % 2 === 0 ? 'claude-code' : 'openai-python',
        userAgent: index % 2 === 0 ? 'claude-cli/2.0.14' : 'OpenAI/Python 2.3.0',
        occurredAt: at,
      });
      const failed = (minute + index) % 17 === 0;
      events.push(
        started,
        buildEndedEvent(started, {
          occurredAt: at,
          endedAt: new Date(Date.parse(at) + 800 + index * 150).toISOString(),
          credentialHint: anthropic ? 'sk-a...cccc' : 'sk-m...aaaa',
          tokenUsages: failed
            ? []
            : [{ providerResponseId: `resp-${minute}-${index}`, inputTokens: 800 + 97 * index, outputTokens: 120 + 31 * index, cacheReadInputTokens: 200, cacheWriteInputTokens: 0, extra: {} }],
          ...(failed ? { error: { type: 'upstream_error', message: 'upstream answered 503 (overloaded)' } } : {}),
        }),
      );
    }
  }
  return events;
}

async function api(url: string, method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function createUsers(url: string): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const [id, displayName, byokMode] of [
    ['alice', 'Alice Martin', null],
    ['bob', 'Bob Chen', 'prefer'],
    ['carol', 'Carol Diaz', 'disabled'],
  ] as const) {
    await api(url, 'POST', '/admin/v1/users', ADMIN_TOKEN, { id, displayName, byokMode });
    tokens.set(id, String((await api(url, 'POST', `/admin/v1/users/${id}/tokens`, ADMIN_TOKEN, { name: 'laptop' })).token));
  }
  await api(url, 'PATCH', '/admin/v1/users/alice', ADMIN_TOKEN, { budget: { amountUsd: 5, period: 'day' }, limits: { requestsPerMinute: 60, concurrent: 4 } });
  await api(url, 'POST', '/admin/v1/teams', ADMIN_TOKEN, { id: 'platform', name: 'Platform team' });
  await api(url, 'PATCH', '/admin/v1/teams/platform', ADMIN_TOKEN, {
    limits: { requestsPerMinute: 600, tokensPerMinute: 2_000_000 },
    budget: { amountUsd: 500, period: 'month' },
    models: { allow: ['openai/*', 'claude-*'], deny: ['*-preview'] },
  });
  for (const member of ['alice', 'bob']) await api(url, 'PUT', `/admin/v1/teams/platform/members/${member}`, ADMIN_TOKEN);
  await api(url, 'POST', '/admin/v1/users/alice/tokens', ADMIN_TOKEN, {
    name: 'nightly-evals',
    team: 'platform',
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    limits: { requestsPerMinute: 30, concurrent: 2 },
    models: { allow: ['gpt-4o-mini'] },
  });
  await api(url, 'PUT', '/v1/me/keys/anthropic', tokens.get('bob')!, { key: 'sk-ant-mock-bob-own-key-9f3a' });
  return tokens;
}

async function traffic(url: string, tokens: Map<string, string>, mock: Awaited<ReturnType<typeof startMockUpstream>>): Promise<void> {
  const chat = (token: string) =>
    fetch(`${url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise the release notes' }] }),
    }).then((response) => response.arrayBuffer());
  for (const token of tokens.values()) await chat(token);
  // The first company key is rate-limited for ten minutes: the pool fails over, the key pools page counts down.
  mock.script('sk-mock-company-key-0000aaaa', { status: 429, headers: { 'retry-after': '600' } });
  await chat(tokens.get('alice')!);
  await new Promise((resolveWait) => setTimeout(resolveWait, 300));
}

async function signIn(page: Page, url: string, token: string, landing: string): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByLabel('Admin token or gateway token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: landing }).waitFor();
}

async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
}

/** The built console's files, raw and gzip-compressed as the gateway serves them. */
function bundleReport(): string {
  const dir = join(ROOT, 'dist/console');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => statSync(join(dir, file)).isFile());
  return files
    .map((file) => {
      const body = readFileSync(join(dir, file));
      return `${file}: ${(body.length / 1024).toFixed(1)} KiB, ${(gzipSync(body, { level: 9 }).length / 1024).toFixed(1)} KiB gzip`;
    })
    .join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
