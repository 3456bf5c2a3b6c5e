import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createDataSource } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import { startMockUpstream, startOtlpReceiver, type MockUpstream } from '@tollgate/testing';
import { startGatewayProcess, writeConfigFile } from '@tollgate/testing';

const TOKEN = 'tg_embedded_mode_token';

describe('embedded default: no Redis, no Postgres', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());

  it('records to the embedded database, and a restart keeps the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-embedded-'));
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-long-key'] }],
      auth: { tokens: [{ token: TOKEN, user: 'dana' }] },
      server: { shutdown: { grace: 0 } },
      dataDir,
    });
    const ids: string[] = [];
    for (const run of [1, 2]) {
      // No REDIS_URL, no DATABASE_URL in the environment: the process must need nothing else.
      const tollgate = await startGatewayProcess('tollgate', configPath);
      expect(tollgate.output()).toContain('"keyState":"memory"');
      const response = await fetch(`${tollgate.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: `run ${run}` }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
      ids.push(response.headers.get('x-tollgate-interception-id')!);
      expect(await tollgate.stop('SIGTERM')).toBe(0);
    }

    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    const dataSource = await createDataSource({ dataDir, logger });
    try {
      const rows: Array<{ id: string; initiator_id: string; ended_at: Date | null }> = await dataSource.query(
        'SELECT id, initiator_id, ended_at FROM interceptions ORDER BY started_at',
      );
      expect(rows.map((row) => row.id)).toEqual(ids);
      for (const row of rows) expect(row).toMatchObject({ initiator_id: 'dana', ended_at: expect.any(Date) });
      const prompts: Array<{ prompt: string }> = await dataSource.query('SELECT prompt FROM user_prompts ORDER BY created_at');
      expect(prompts.map((row) => row.prompt)).toEqual(['run 1', 'run 2']);
    } finally {
      await dataSource.destroy();
    }
  });

  it('traces as the service `tollgate` when OTEL_SERVICE_NAME is not set', async () => {
    const receiver = await startOtlpReceiver();
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-long-key'] }],
      auth: { tokens: [{ token: TOKEN, user: 'dana' }] },
      server: { shutdown: { grace: 0 } },
      dataDir: mkdtempSync(join(tmpdir(), 'tollgate-embedded-')),
    });
    const tollgate = await startGatewayProcess('tollgate', configPath, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    try {
      const response = await fetch(`${tollgate.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'trace me' }] }),
      });
      await response.text();
      const interceptionId = response.headers.get('x-tollgate-interception-id');
      const span = await receiver.waitFor((candidate) => candidate.name === 'tollgate.interception' && candidate.attributes['tollgate.interception.id'] === interceptionId);
      expect(span.service).toBe('tollgate');
      expect(span.resource['service.name']).toBe('tollgate');
    } finally {
      await tollgate.stop('SIGTERM');
      await receiver.close();
    }
  });
});
