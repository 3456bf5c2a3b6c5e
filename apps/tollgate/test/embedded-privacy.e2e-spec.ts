import { Writable } from 'node:stream';
import { createDataSource, flushInterceptionEvents, InterceptionEventWriter, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import {
  buildEndedEvent,
  buildStartedEvent,
  createTestDatabase,
  startGatewayProcess,
  startMockUpstream,
  waitFor,
  writeConfigFile,
  type MockUpstream,
  type TestDatabase,
} from '@tollgate/testing';

const ADMIN_TOKEN = 'tg_privacy_admin_token_0123456789abcdef0123';
const USER_TOKEN = 'tg_privacy_user_token';

describe('privacy and audit in the all-in-one process', () => {
  let mock: MockUpstream;
  let database: TestDatabase;
  let dataSource: TollgateDataSource;

  beforeAll(async () => {
    [mock, database] = await Promise.all([startMockUpstream(), createTestDatabase()]);
    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger });
    await runMigrations(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    await mock?.close();
  });

  it('sweeps interceptions past the retention, records no prompt under prompts: off, and audits an admin action', async () => {
    const old = [buildStartedEvent(), buildStartedEvent()];
    const recent = buildStartedEvent();
    await flushInterceptionEvents(new InterceptionEventWriter(dataSource), [...old, recent].flatMap((started) => [started, buildEndedEvent(started)]));
    await dataSource.query(`UPDATE interceptions SET started_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`, [old.map((event) => event.interceptionId)]);

    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-pool-key'] }],
      auth: { tokens: [{ token: USER_TOKEN, user: 'dana' }], adminTokens: [ADMIN_TOKEN] },
      recording: { prompts: 'off', retention: '1h', retentionInterval: '1s' },
      server: { shutdown: { grace: 0 } },
    });
    const gateway = await startGatewayProcess('tollgate', configPath, { DATABASE_URL: database.url });
    try {
      const remaining = async () =>
        (await dataSource.query('SELECT id FROM interceptions WHERE id = ANY($1::uuid[])', [[...old, recent].map((event) => event.interceptionId)])).map(
          (row: { id: string }) => row.id,
        );
      expect(await waitFor(remaining, (ids) => ids.length === 1, 'one interception left')).toEqual([recent.interceptionId]);

      const chat = await fetch(`${gateway.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${USER_TOKEN}` },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'my private prompt' }] }),
      });
      await chat.text();
      const interceptionId = chat.headers.get('x-tollgate-interception-id');
      const ended = async () => (await dataSource.query('SELECT ended_at FROM interceptions WHERE id = $1 AND ended_at IS NOT NULL', [interceptionId])).length;
      expect(await waitFor(ended, (count) => count === 1, 'the interception ended')).toBe(1);
      expect(await dataSource.query('SELECT prompt FROM user_prompts WHERE interception_id = $1', [interceptionId])).toEqual([]);

      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      expect((await fetch(`${gateway.url}/admin/v1/users`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'erin' }) })).status).toBe(201);
      const audit = (await (await fetch(`${gateway.url}/admin/v1/audit`, { headers: admin })).json()) as { items: Array<{ action: string; target: string }> };
      expect(audit.items).toEqual([expect.objectContaining({ action: 'user.create', target: 'erin' })]);
    } finally {
      expect(await gateway.stop('SIGTERM')).toBe(0);
    }
    expect(gateway.output()).toContain('deleted interceptions past the retention');
  }, 60_000);
});
