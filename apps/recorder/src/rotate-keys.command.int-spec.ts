import { KeyRing, generateKeyEncryptionKey, openProviderKey, sealProviderKey } from '@tollgate/byok';
import { TypeormSqlClient, createDataSource, runMigrations, type TollgateDataSource } from '@tollgate/persistence';
import { createLogger, loadConfig } from '@tollgate/platform';
import { PostgresIdentityStore } from '@tollgate/sql-stores';
import { createTestDatabase, type TestDatabase } from '@tollgate/testing';
import { runRotateKeysCommand } from './rotate-keys.command';

const silent = createLogger({ level: 'silent', destination: { write: () => undefined } });

function capture() {
  const lines: string[] = [];
  return { lines, write: (text: string) => void lines.push(text) };
}

describe('recorder rotate-keys', () => {
  let database: TestDatabase;
  let dataSource: TollgateDataSource;
  let store: PostgresIdentityStore;
  const oldKek = generateKeyEncryptionKey('old');
  const newKek = generateKeyEncryptionKey('new');
  const users = ['ann', 'ben', 'cat'];
  const plaintext = (user: string) => `sk-${user}-secret-provider-key`;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await createDataSource({ databaseUrl: database.url, dataDir: '/nonexistent', logger: silent });
    await runMigrations(dataSource);
    store = new PostgresIdentityStore(new TypeormSqlClient(dataSource));
    const oldRing = KeyRing.parse(oldKek);
    for (const user of users) {
      await store.ensureUser(user);
      const sealed = sealProviderKey(oldRing, plaintext(user), { userId: user, providerName: 'openai', baseUrl: null });
      await store.putKey({ userId: user, providerName: 'openai', ...sealed, hint: 'sk-...ey', fingerprint: user, baseUrl: null });
    }
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const configWith = (encryptionKeys: string | undefined) =>
    loadConfig({ document: {}, env: { DATABASE_URL: database.url, ...(encryptionKeys ? { TOLLGATE_ENCRYPTION_KEYS: encryptionKeys } : {}) } });

  it('re-seals every key under the first kek; the old kek still decrypts until removed, then is not needed', async () => {
    const out = capture();
    const err = capture();
    expect(await runRotateKeysCommand(configWith(`${newKek},${oldKek}`), silent, out, err)).toBe(0);
    expect(out.lines.join('')).toContain('scanned 3: re-sealed 3 under "new", 0 already were');

    const onlyNew = KeyRing.parse(newKek);
    const rows = (await Promise.all(users.map((user) => store.listKeys(user)))).flat();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.kekId).toBe('new');
      expect(openProviderKey(onlyNew, row, { userId: row.userId, providerName: row.providerName, baseUrl: row.baseUrl })).toBe(plaintext(row.userId));
    }

    const again = capture();
    expect(await runRotateKeysCommand(configWith(`${newKek},${oldKek}`), silent, again, capture())).toBe(0);
    expect(again.lines.join('')).toContain('re-sealed 0 under "new", 3 already were');
  });

  it('reports keys it cannot open, by id only, and exits 1', async () => {
    const stranger = KeyRing.parse(generateKeyEncryptionKey('lost'));
    await store.ensureUser('dan');
    await store.putKey({ userId: 'dan', providerName: 'openai', ...sealProviderKey(stranger, 'sk-dan-secret-key-000', { userId: 'dan', providerName: 'openai', baseUrl: null }), hint: 'sk-...00', fingerprint: 'dan', baseUrl: null });
    const out = capture();
    expect(await runRotateKeysCommand(configWith(newKek), silent, out, capture())).toBe(1);
    const text = out.lines.join('');
    expect(text).toContain('not opened: user dan, provider openai, kek lost (unknown-kek)');
    expect(text).not.toContain('sk-dan-secret-key-000');
  });

  it('refuses to run without a valid key set', async () => {
    const err = capture();
    expect(await runRotateKeysCommand(configWith(undefined), silent, capture(), err)).toBe(2);
    expect(err.lines.join('')).toContain('TOLLGATE_ENCRYPTION_KEYS');
    const bad = capture();
    expect(await runRotateKeysCommand(configWith('k1:bm90LTMyLWJ5dGVz'), silent, capture(), bad)).toBe(2);
    expect(bad.lines.join('')).not.toContain('bm90LTMyLWJ5dGVz');
  });
});
