import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MemoryKeyStateStore } from '@tollgate/keypool';
import { OPENAPI_DOCUMENT, createGatewayApp, type GatewayApp, type InterceptionDetailView, type InterceptionListView, type KeyPoolsView, type ActivityView } from '@tollgate/gateway';
import { EmbeddedBatchSender, InterceptionEventWriter, TypeormSqlClient, createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger, loadConfig } from '@tollgate/platform';
import { PostgresIdentityStore, PostgresInterceptionStore, PostgresUsageStore } from '@tollgate/sql-stores';
import { createTestDatabase, startMockUpstream, type MockUpstream, type TestDatabase } from '@tollgate/testing';

const ADMIN = { authorization: 'Bearer tg_admin_console_api_0123456789abcdef' };
const ALICE_TOKEN = 'tg_alice_console_api';
const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

/** A stand-in for `dist/console`: the serving is under test here, not the app (console.e2e-spec builds that). */
function fakeConsoleBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Tollgate console</title><script type="module" src="/console/assets/app-1a2b.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  return dir;
}

async function startGateway(options: { assetsDir: string; dataSource?: TollgateDataSource; mock: MockUpstream }): Promise<{ app: GatewayApp; url: string }> {
  const config = loadConfig({
    env: {},
    document: {
      server: { port: 0, shutdown: { grace: 0, drainTimeout: '2s' } },
      providers: [{ name: 'openai', type: 'openai', baseUrl: options.mock.openaiBaseUrl, keys: ['k0-long-key', 'k1-long-key'] }],
      auth: { tokens: [{ token: ALICE_TOKEN, user: 'alice' }], adminTokens: [ADMIN.authorization.slice('Bearer '.length)] },
      console: { assetsDir: options.assetsDir, jaegerUrl: 'http://jaeger.test:16686/jaeger/' },
      logging: { level: 'silent' },
    },
  });
  const { dataSource } = options;
  const sql = dataSource && new TypeormSqlClient(dataSource);
  const eventSender = dataSource
    ? new EmbeddedBatchSender(new InterceptionEventWriter(dataSource), silent)
    : { deliver: async () => undefined, close: async () => undefined };
  const app = await createGatewayApp({
    config,
    logger: silent,
    eventSender,
    keyStateStore: new MemoryKeyStateStore(),
    ...(sql && {
      identityStore: new PostgresIdentityStore(sql),
      usageStore: new PostgresUsageStore(sql),
      interceptionStore: new PostgresInterceptionStore(sql),
    }),
  });
  return { app, url: await app.listen(0, '127.0.0.1') };
}

async function chat(url: string): Promise<number> {
  const response = await fetch(`${url}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function getJson<T>(url: string, headers: Record<string, string> = ADMIN): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as T };
}

describe('the console routes and the read APIs behind it, on real Postgres', () => {
  let mock: MockUpstream;
  let database: TestDatabase;
  let dataSource: TollgateDataSource;
  let assetsDir: string;
  let gateway: { app: GatewayApp; url: string };
  let bare: { app: GatewayApp; url: string };

  beforeAll(async () => {
    [mock, database] = await Promise.all([startMockUpstream(), createTestDatabase()]);
    dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger: silent });
    await runMigrations(dataSource);
    assetsDir = fakeConsoleBuild();
    gateway = await startGateway({ assetsDir, dataSource, mock });
    bare = await startGateway({ assetsDir: join(assetsDir, 'not-built'), mock });
  }, 60_000);

  afterAll(async () => {
    await gateway?.app.close();
    await bare?.app.close();
    await mock?.close();
    await dataSource?.destroy();
    await database?.drop();
    rmSync(assetsDir, { recursive: true, force: true });
  });

  it('serves the built console under /console, any page path as the app, with strict headers and caching', async () => {
    const root = await fetch(`${gateway.url}/console`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([308, '/console/']);

    for (const page of ['/console/', '/console/keys', '/console/interceptions/0b6f3f8e-0000-4000-8000-000000000000']) {
      const response = await fetch(`${gateway.url}${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<title>Tollgate console</title>');
    }

    const script = await fetch(`${gateway.url}/console/assets/app-1a2b.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await script.text()).length).toBeGreaterThan(4000); // fetch decompressed it
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      get(`${gateway.url}/console/assets/app-1a2b.js`, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toContain('console.log');
    const revalidated = await fetch(`${gateway.url}/console/assets/app-1a2b.js`, { headers: { 'if-none-match': script.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);

    const missing = await fetch(`${gateway.url}/console/assets/gone-9z9z.js`);
    expect(missing.status).toBe(404);
  });

  it('explains how to build the console when it is not built, and keeps serving the API', async () => {
    const response = await fetch(`${bare.url}/console/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('node tools/build.mjs console');
    expect(await chat(bare.url)).toBe(200);
  });

  it('publishes the OpenAPI document at /openapi.json without a token', async () => {
    const { status, body } = await getJson<unknown>(`${gateway.url}/openapi.json`, {});
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it('lists, filters and details recorded interceptions, with the trace link; admin token only', async () => {
    expect(await chat(gateway.url)).toBe(200);
    mock.script('*', { status: 500 });
    expect(await chat(gateway.url)).toBe(500);
    mock.reset();
    let list: InterceptionListView = { items: [], next: null };
    for (let tries = 0; list.items.filter((item) => item.status !== 'in_flight').length < 2 && tries < 100; tries++) {
      list = (await getJson<InterceptionListView>(`${gateway.url}/admin/v1/interceptions`)).body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(list.items.map((item) => [item.initiatorId, item.status, item.credentialHint])).toEqual([
      ['alice', 'error', 'k0...ey'],
      ['alice', 'ok', 'k0...ey'],
    ]);

    const errors = await getJson<InterceptionListView>(`${gateway.url}/admin/v1/interceptions?status=error&provider=openai&user=alice&limit=1`);
    expect(errors.body.items).toHaveLength(1);
    expect(errors.body.next).toBeNull();

    const paged = await getJson<InterceptionListView>(`${gateway.url}/admin/v1/interceptions?limit=1`);
    const next = await getJson<InterceptionListView>(`${gateway.url}/admin/v1/interceptions?limit=1&after=${paged.body.next}`);
    expect(next.body.items.map((item) => item.id)).toEqual([list.items[1].id]);

    const detail = await getJson<InterceptionDetailView>(`${gateway.url}/admin/v1/interceptions/${list.items[1].id}`);
    expect(detail.body).toMatchObject({ model: 'gpt-4o-mini', credentialKind: 'centralized', credentialSource: 'pool', status: 'ok' });
    expect(detail.body.tokenUsages.length).toBe(1);
    expect(detail.body.inputTokens).toBeGreaterThan(0);
    const trace = new URL(detail.body.traceUrl!);
    expect(`${trace.origin}${trace.pathname}`).toBe('http://jaeger.test:16686/jaeger/search');
    expect(trace.searchParams.get('service')).toBe('tollgate-gateway');
    expect(JSON.parse(trace.searchParams.get('tags')!)).toEqual({ 'tollgate.interception.id': list.items[1].id });

    expect((await getJson(`${gateway.url}/admin/v1/interceptions/0b6f3f8e-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await getJson(`${gateway.url}/admin/v1/interceptions?status=broken`)).status).toBe(400);
    expect((await getJson(`${gateway.url}/admin/v1/interceptions?after=bogus`)).status).toBe(400);
    expect((await getJson(`${gateway.url}/admin/v1/interceptions`, { authorization: `Bearer ${ALICE_TOKEN}` })).status).toBe(401);
  });

  it('answers the traffic over time and each pool key with its last recorded use', async () => {
    const activity = await getJson<ActivityView>(`${gateway.url}/admin/v1/activity?bucketSeconds=60`);
    expect(activity.body.buckets).toHaveLength(60);
    expect(activity.body.totals).toMatchObject({ interceptions: 2, errors: 1 });
    expect((await getJson(`${gateway.url}/admin/v1/activity?bucketSeconds=10&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`)).status).toBe(400);

    const pools = await getJson<KeyPoolsView>(`${gateway.url}/admin/v1/providers`);
    expect(pools.body.lastUseRecorded).toBe(true);
    expect(pools.body.providers[0].keys.map((key) => [key.hint, key.state, key.lastUsedAt === null])).toEqual([
      ['k0...ey', 'valid', false],
      ['k1...ey', 'valid', true],
    ]);
  });

  it('says the read APIs need the recording database when the gateway has none', async () => {
    const interceptions = await getJson<{ error: { type: string; message: string } }>(`${bare.url}/admin/v1/interceptions`);
    expect(interceptions.status).toBe(503);
    expect(interceptions.body.error.message).toContain('DATABASE_URL');
    const pools = await getJson<KeyPoolsView>(`${bare.url}/admin/v1/providers`);
    expect(pools.body.lastUseRecorded).toBe(false);
  });
});
