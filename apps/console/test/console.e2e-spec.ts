import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { generateKeyEncryptionKey } from '@tollgate/byok';
import { hint } from '@tollgate/keypool';
import {
  createTestDatabase,
  createTestRedisPrefix,
  launchChromium,
  seriousAccessibilityViolations,
  startGatewayProcess,
  startMockUpstream,
  startTestMcpServer,
  testRedisUrl,
  writeConfigFile,
  type GatewayProcess,
  type MockUpstream,
  type TestBrowser,
  type TestDatabase,
  type TestMcpServer,
} from '@tollgate/testing';

const WORKSPACE = resolve(__dirname, '../../..');
const ADMIN_TOKEN = 'tg_console_admin_token_0123456789abcdef';
const ALICE_TOKEN = 'tg_console_alice_token';
const KEYS = ['k0-long-key', 'k1-long-key'];
const JAEGER_URL = 'http://jaeger.test:16686';
const USER_KEY = 'sk-carol-own-key-1234567890abcd';
const BACKUP_KEY = 'b0-long-key';

async function chat(gatewayUrl: string, token: string): Promise<number> {
  const response = await fetch(`${gatewayUrl}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Polls `probe` until it answers `expected` (a replica follows token changes within its poll interval). */
async function eventually<T>(probe: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await probe();
    if (last === expected) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  } while (Date.now() < deadline);
  throw new Error(`still ${String(last)} after ${timeoutMs} ms, expected ${String(expected)}`);
}

async function signIn(context: BrowserContext, gatewayUrl: string, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${gatewayUrl}/console/`);
  await page.getByLabel('Admin token or gateway token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

describe('the admin console in a browser, against two gateway replicas sharing Redis and Postgres', () => {
  let mock: MockUpstream;
  let mcp: TestMcpServer;
  let database: TestDatabase;
  let redisPrefix: ReturnType<typeof createTestRedisPrefix>;
  let recorder: GatewayProcess;
  let replicaA: GatewayProcess;
  let replicaB: GatewayProcess;
  let browser: TestBrowser;
  let operator: BrowserContext;
  /** The operator's tab on each replica (the console keeps its sign-in per tab). */
  let onA: Page;
  let onB: Page;
  let issuedToken: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(WORKSPACE, 'tools/build.mjs'), 'console'], { cwd: WORKSPACE, stdio: 'inherit' });
    browser = await launchChromium();
    [mock, mcp, database] = await Promise.all([startMockUpstream(), startTestMcpServer(), createTestDatabase()]);
    redisPrefix = createTestRedisPrefix();
    const configPath = writeConfigFile({
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS },
        { name: 'backup', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: [BACKUP_KEY] },
      ],
      routing: { aliases: [{ name: 'smart', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }, { provider: 'backup', model: 'gpt-4o' }] }] },
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }], adminTokens: [ADMIN_TOKEN] },
      keyPool: { redisKeyPrefix: `${redisPrefix.prefix}kp:` },
      recording: { queuePrefix: `${redisPrefix.prefix}bull`, worker: { batchMaxWait: '5ms' } },
      identity: { pollInterval: '200ms' },
      server: { shutdown: { grace: 0, drainTimeout: '5s' } },
      console: { assetsDir: join(WORKSPACE, 'dist/console'), jaegerUrl: JAEGER_URL },
      mcp: { servers: [{ name: 'docs', url: mcp.url, allow: ['^search$'] }] },
      logging: { level: 'info' },
    });
    const env = { REDIS_URL: testRedisUrl(), DATABASE_URL: database.url, TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('console') };
    // The recorder migrates the schema the gateways read users from.
    recorder = await startGatewayProcess('recorder', configPath, env);
    [replicaA, replicaB] = await Promise.all([startGatewayProcess('gateway', configPath, env), startGatewayProcess('gateway', configPath, env)]);
    operator = await browser.newContext();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await recorder?.stop();
    await mock?.close();
    await mcp?.close();
    await redisPrefix?.cleanup();
    await database?.drop();
  }, 30_000);

  it('refuses an unknown token on the sign-in page, and says what to use instead', async () => {
    const page = await signIn(await browser.newContext(), replicaA.url, 'tg_not_a_real_token');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('did not accept this token');
    await expectAccessible(page);
  });

  it('signs an operator in; every page is accessible, an interception links to its trace', async () => {
    expect(await chat(replicaA.url, ALICE_TOKEN)).toBe(200);
    mock.script('*', { status: 500 });
    expect(await chat(replicaA.url, ALICE_TOKEN)).toBe(500);
    mock.reset();

    onA = await signIn(operator, replicaA.url, ADMIN_TOKEN);
    const page = onA;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The recorder writes both interceptions within moments; the failure is listed among the recent ones.
    const requests = page.getByRole('figure', { name: 'Requests per minute' });
    await eventually(async () => {
      await page.reload();
      await page.getByRole('heading', { name: 'Recent failures' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
      const failureListed = await page.getByRole('region', { name: 'Recent failures' }).getByText('alice').isVisible();
      return failureListed && (await requests.textContent())!.includes('Total 2.');
    }, true);
    await expectAccessible(page);
    // Keyboard: the first Tab reaches the skip link, which moves focus to the page's content.
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('main');

    for (const [link, heading] of [
      ['Key pools', 'Key pools'],
      ['MCP tools', 'MCP tools'],
      ['Users & tokens', 'Users & tokens'],
      ['Teams', 'Teams'],
      ['Budgets & usage', 'Budgets & usage'],
      ['Audit log', 'Audit log'],
      ['Interceptions', 'Interceptions'],
    ]) {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
      if (heading === 'MCP tools') {
        await page.getByRole('region', { name: 'docs tools' }).getByText('mcp_docs_search').waitFor();
        await expect(page.getByText('Up', { exact: true }).isVisible()).resolves.toBe(true);
      }
      await expectAccessible(page);
    }

    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=error/);
    const rows = page.getByRole('region', { name: 'Interceptions' }).getByRole('row');
    await eventually(() => rows.count(), 2); // the header and the failure
    await rows.nth(1).getByRole('link').click();
    await page.getByRole('heading', { name: 'Token usage and cost' }).waitFor();
    const trace = page.getByRole('link', { name: /Open the trace in Jaeger/ });
    const traceUrl = new URL((await trace.getAttribute('href'))!);
    expect(`${traceUrl.origin}${traceUrl.pathname}`).toBe(`${JAEGER_URL}/search`);
    expect(JSON.parse(traceUrl.searchParams.get('tags')!)).toEqual({ 'tollgate.interception.id': expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await expect(page.getByText('k0...ey').first().isVisible()).resolves.toBe(true);
    await expectAccessible(page);
  }, 60_000);

  it('shows a key cooling after a scripted 429 with a running countdown; re-enabled on A, it is valid on B', async () => {
    mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '120' } });
    expect(await chat(replicaA.url, ALICE_TOKEN)).toBe(200);

    const page = onA;
    await page.goto(`${replicaA.url}/console/keys`);
    const key = page.getByTestId('key-openai-0');
    await key.getByText('Cooling').waitFor();
    await expect(key.textContent()).resolves.toContain('Rate-limited (429)');
    const countdown = key.locator('time.countdown');
    const before = await countdown.textContent();
    expect(before).toMatch(/^[12]:\d\d$/);
    await eventually(async () => (await countdown.textContent()) !== before, true, 3_000);

    onB = await signIn(operator, replicaB.url, ADMIN_TOKEN);
    await onB.getByRole('heading', { name: 'Overview' }).waitFor();
    await onB.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Key pools' }).click();
    await onB.getByTestId('key-openai-0').getByText('Cooling').waitFor();

    await key.getByRole('button', { name: 'Re-enable k0...ey' }).click();
    await page.getByRole('status').filter({ hasText: 'is valid again' }).waitFor();
    await key.getByText('Valid').waitFor();
    await onB.getByRole('button', { name: 'Refresh' }).click();
    await onB.getByTestId('key-openai-0').getByText('Valid').waitFor({ timeout: 5_000 });
    await expect(onB.getByTestId('key-openai-0').getByRole('button').count()).resolves.toBe(0);
    await expectAccessible(page);
  }, 60_000);

  it('issues a token shown once, which then works on the other replica', async () => {
    const page = onA;
    await page.goto(`${replicaA.url}/console/users`);
    await page.getByLabel('User id').fill('carol');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'carol', level: 2 }).waitFor();
    await page.getByLabel('Token name (optional)').fill('laptop');
    await page.getByRole('button', { name: 'Issue token' }).click();
    const shown = page.getByLabel('New gateway token');
    issuedToken = await shown.inputValue();
    expect(issuedToken).toMatch(/^tg_/);
    await expectAccessible(page);

    await eventually(() => chat(replicaB.url, issuedToken), 200);
    await page.reload();
    await page.getByRole('region', { name: 'Tokens of carol' }).waitFor();
    expect(await page.content()).not.toContain(issuedToken);
  }, 60_000);

  it('lets a user store their own key and shows them only its hint', async () => {
    const page = await signIn(await browser.newContext(), replicaB.url, issuedToken);
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents()).resolves.toEqual(['My account']);
    await page.getByRole('textbox', { name: 'Provider', exact: true }).fill('openai');
    await page.getByLabel('Key', { exact: true }).fill(USER_KEY);
    await page.getByLabel('Check the key with the provider first').uncheck();
    await page.getByRole('button', { name: 'Save key' }).click();
    await page.getByRole('status').filter({ hasText: 'is stored' }).waitFor();
    const keys = page.getByRole('region', { name: 'My provider keys' });
    await keys.getByText('sk-c...abcd').waitFor();
    await expect(page.getByLabel('Key', { exact: true }).inputValue()).resolves.toBe('');
    expect(await page.content()).not.toContain(USER_KEY);
    await page.reload();
    await keys.getByText('sk-c...abcd').waitFor();
    expect(await page.content()).not.toContain(USER_KEY);
    await expectAccessible(page);

    // An operator sees the same hint, never the key.
    const admin = onA;
    await admin.goto(`${replicaA.url}/console/users?user=carol`);
    await admin.getByText('sk-c...abcd').waitFor();
    expect(await admin.content()).not.toContain(USER_KEY);
  }, 60_000);

  it("edits a user's budget and shows their spend against it", async () => {
    const page = onA;
    await page.goto(`${replicaA.url}/console/budgets`);
    const carol = page.getByRole('region', { name: 'Budgets per user' }).getByRole('row').filter({ hasText: 'carol' });
    await expect(carol.textContent()).resolves.toContain('no limit');
    await carol.getByRole('button', { name: 'Edit budget of carol' }).click();
    await page.getByLabel('Amount (USD)').fill('12.5');
    await page.getByLabel('Period').selectOption('day');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'carol: $12.50 per day' }).waitFor();
    await carol.getByText('$12.50 per day').waitFor();
    await expect(carol.getByRole('meter').count()).resolves.toBe(1);
    await expectAccessible(page);
  }, 60_000);

  it('revokes the token; every replica then refuses it', async () => {
    const page = onB;
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${replicaB.url}/console/users?user=carol`);
    await page.getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
    await page.getByRole('region', { name: 'Tokens of carol' }).getByText(/^revoked /).waitFor();

    await eventually(() => chat(replicaB.url, issuedToken), 401);
    await eventually(() => chat(replicaA.url, issuedToken), 401);
  }, 60_000);

  it('lists what the operator did on either replica in the audit log, the token by its hint only', async () => {
    const page = onA;
    await page.goto(`${replicaA.url}/console/audit`);
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const table = page.getByRole('region', { name: 'Admin actions' });
    const actions = () => table.locator('tbody td:nth-child(3)').allTextContents();
    await table.waitFor();
    expect(await actions()).toEqual(['token.revoke', 'user.update', 'token.issue', 'user.create', 'pool_key.enable']);
    await table.getByText(`hint: ${hint(issuedToken)}`).first().waitFor();
    expect(await page.content()).not.toContain(issuedToken);
    await expectAccessible(page);

    await page.getByLabel('Action', { exact: true }).selectOption('token.issue');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=token\.issue/);
    await eventually(async () => (await actions()).join(), 'token.issue');
    await expect(table.locator('tbody td:nth-child(4)').textContent()).resolves.toBe('carol');
  }, 60_000);

  it("manages a team and a user's limits and model access, issues a scoped token, and shows its holder their limits", async () => {
    const page = onA;
    const saved = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();
    await page.goto(`${replicaA.url}/console/teams`);
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    await page.getByLabel('Team id').fill('red');
    await page.getByLabel('Display name (optional)').fill('Red team');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { level: 2, name: 'Red team (red)' }).waitFor();
    await page.getByLabel('Add a user').fill('carol');
    await page.getByRole('button', { name: 'Add member' }).click();
    await saved('carol is now a member of red.');
    await page.getByRole('list', { name: 'Members of red' }).getByRole('button', { name: 'Remove carol from red' }).waitFor();
    await page.getByLabel('Requests per minute').fill('100');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await saved('Limits of red: 100 requests/min.');
    await page.getByLabel('Amount (USD)').fill('20');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await saved('Budget of red: $20.00 per month.');
    await page.getByLabel('Denied models').fill('gpt-4.5*');
    await page.getByRole('button', { name: 'Save model access' }).click();
    await saved('Model access of red: deny gpt-4.5*.');
    await expectAccessible(page);

    await page.goto(`${replicaA.url}/console/users?user=carol`);
    await page.getByRole('heading', { level: 2, name: 'carol' }).waitFor();
    await page.getByRole('link', { name: 'red', exact: true }).waitFor();
    await page.getByRole('group', { name: 'Rate and concurrency limits' }).getByLabel('Requests per minute').fill('5');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await saved('Limits of carol: 5 requests/min.');
    await page.getByLabel('Token name (optional)').fill('ci');
    await page.getByText('Scope (optional)').click();
    await page.getByLabel('Expires (UTC)').fill('2030-01-01T00:00');
    await page.getByLabel('Counts against').selectOption({ label: 'team red only' });
    await page.getByRole('group', { name: 'Token limits' }).getByLabel('Requests at once').fill('2');
    await page.getByRole('group', { name: 'Token model access' }).getByLabel('Allowed models').fill('gpt-4o*');
    await page.getByRole('button', { name: 'Issue token' }).click();
    const scoped = await page.getByLabel('New gateway token').inputValue();
    const row = page.getByRole('region', { name: 'Tokens of carol' }).getByRole('row').filter({ hasText: 'team red' });
    await expect(row.textContent()).resolves.toContain('team red; 2 at once; allow gpt-4o*');
    await expect(row.textContent()).resolves.toContain('active until 2030-01-01 00:00:00 UTC');
    await expectAccessible(page);

    await eventually(() => chat(replicaB.url, scoped), 200);
    const holder = await signIn(await browser.newContext(), replicaB.url, scoped);
    await holder.getByRole('heading', { name: 'My limits' }).waitFor();
    const limits = holder.getByRole('region', { name: 'My limits' });
    const limitRow = (kind: string, who: string) => limits.getByRole('row').filter({ hasText: kind }).filter({ hasText: who });
    await expect(limitRow('Requests per minute', 'you').textContent()).resolves.toMatch(/^Requests per minuteyou5/);
    await expect(limitRow('Requests per minute', 'team red').textContent()).resolves.toMatch(/^Requests per minuteteam red100/);
    await expect(limitRow('Requests at once', 'this token').textContent()).resolves.toMatch(/^Requests at oncethis token2/);
    const policies = holder.getByRole('list', { name: 'Model policies that apply to me' });
    await policies.getByText('Team red: deny gpt-4.5*').waitFor();
    await policies.getByText('This token: allow gpt-4o*').waitFor();
    expect(await holder.content()).not.toContain(scoped);
    await expectAccessible(holder);
  }, 60_000);
  it('shows the model alias an interception asked for and the target that served it', async () => {
    mock.script(KEYS[0], { status: 503 });
    const response = await fetch(`${replicaA.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    const id = response.headers.get('x-tollgate-interception-id')!;
    const page = onA;
    await page.goto(`${replicaA.url}/console/interceptions/${id}`);
    await eventually(async () => {
      await page.reload();
      await page.getByRole('heading', { name: 'Token usage and cost' }).waitFor();
      return page.getByText('served by backup/gpt-4o', { exact: true }).isVisible();
    }, true);
    await expect(page.getByText('Model alias').isVisible()).resolves.toBe(true);
    await page.goto(`${replicaA.url}/console/interceptions?model=gpt-4o`);
    await page.getByRole('region', { name: 'Interceptions' }).getByText('(alias smart)').waitFor();
    await expectAccessible(page);
  }, 60_000);
});
