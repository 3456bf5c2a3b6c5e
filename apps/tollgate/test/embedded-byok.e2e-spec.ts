import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generateKeyEncryptionKey } from '@tollgate/byok';
import { createDataSource } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import { startGatewayProcess, startMockUpstream, writeConfigFile, type MockUpstream } from '@tollgate/testing';

const ADMIN_TOKEN = 'tg_embedded_admin_token_0123456789abcdef';
const STORED_KEY = 'sk-embedded-user-own-key-42';

describe('bring your own key in the embedded default (PGlite)', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());

  it('issues a token and stores a key that work, and still work after a restart; the key is only ciphertext on disk', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-embedded-byok-'));
    const configPath = writeConfigFile({
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-pool-key'] }],
      auth: { adminTokens: [ADMIN_TOKEN] },
      server: { shutdown: { grace: 0 } },
      dataDir,
    });
    const env = { TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('embedded') };
    const chat = (url: string, token: string) =>
      fetch(`${url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
      }).then(async (response) => ({ status: response.status, body: await response.text() }));

    const first = await startGatewayProcess('tollgate', configPath, env);
    let token: string;
    try {
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      expect((await fetch(`${first.url}/admin/v1/users`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'erin' }) })).status).toBe(201);
      const issued = await fetch(`${first.url}/admin/v1/users/erin/tokens`, { method: 'POST', headers: admin, body: '{}' });
      token = ((await issued.json()) as { token: string }).token;
      const saved = await fetch(`${first.url}/v1/me/keys/openai`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key: STORED_KEY }),
      });
      expect(saved.status).toBe(200);
      expect((await chat(first.url, token)).status).toBe(200);
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }

    const second = await startGatewayProcess('tollgate', configPath, env);
    try {
      expect((await chat(second.url, token)).status).toBe(200);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
    expect(mock.keysSeen()).toEqual([STORED_KEY, STORED_KEY]);

    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    const dataSource = await createDataSource({ dataDir, logger });
    try {
      const [row] = await dataSource.query('SELECT ciphertext, kek_id, hint FROM user_provider_keys WHERE user_id = $1', ['erin']);
      expect(row).toMatchObject({ kek_id: 'embedded', hint: 'sk-e...y-42' });
      expect(Buffer.from(row.ciphertext).toString('latin1')).not.toContain(STORED_KEY);
      const sources = await dataSource.query('SELECT credential_kind, credential_source FROM interceptions');
      expect(sources).toEqual([
        { credential_kind: 'byok', credential_source: 'stored' },
        { credential_kind: 'byok', credential_source: 'stored' },
      ]);
      const [tokenRow] = await dataSource.query('SELECT token_hash FROM gateway_tokens');
      expect(tokenRow.token_hash).not.toContain(token!);
    } finally {
      await dataSource.destroy();
    }
  });
});
