import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createTestDatabase, writeConfigFile, type TestDatabase } from '@tollgate/testing';
import { RECORDING_MIGRATIONS } from '@tollgate/persistence';
import { Client } from 'pg';

const ROOT = resolve(__dirname, '../../..');
const RECORDING_TABLES = ['interceptions', 'token_usages', 'tool_usages', 'user_prompts'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `recorder migrate` as docker-compose's `migrate` service and the k8s `tollgate-migrate` Job run it: the built
 * binary (dist/recorder/main.js, built by the integration global setup), configured by a file and DATABASE_URL only.
 */
function runMigrate(configPath: string, databaseUrl: string): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/recorder/main.js'), 'migrate'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG: configPath, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000); // a migrate that never exits fails the test
  return new Promise((resolveRun) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolveRun({ ...run, code });
    }),
  );
}

describe('recorder migrate (the built binary)', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const tables = async () =>
    (
      await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
      )
    ).rows.map((row) => row.table_name);
  const appliedMigrations = async () => (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((row) => row.name);

  it('creates the recording tables in a fresh database, exits 0, and is a no-op when run again', async () => {
    // The recorder's ConfigMap in k8s: no REDIS_URL, nothing but the database is needed to migrate.
    const configPath = writeConfigFile({ recording: { runMigrationsAtStart: false }, logging: { level: 'info' } });
    expect(await tables()).toEqual([]);

    const first = await runMigrate(configPath, database.url);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const migrationNames = RECORDING_MIGRATIONS.map((migration) => migration.name);
    expect(first.stdout).toContain(`applied: ${migrationNames.join(', ')}`);
    expect(await tables()).toEqual(expect.arrayContaining([...RECORDING_TABLES, 'migrations']));
    const applied = await appliedMigrations();
    expect(applied).toEqual(migrationNames);
    const columns = await client.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'interceptions' AND column_name = 'credential_hint'");
    expect(columns.rows).toHaveLength(1);

    await client.query(
      `INSERT INTO interceptions (id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, started_at, metadata)
       VALUES (gen_random_uuid(), 'alice', 'openai', 'openai', 'gpt-test', false, 'curl', 'curl/8', 'centralized', now(), '{}')`,
    );

    const second = await runMigrate(configPath, database.url);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toMatch(/^schema up to date$/m);
    expect(await appliedMigrations()).toEqual(applied);
    expect((await client.query('SELECT count(*)::int AS n FROM interceptions')).rows[0].n).toBe(1);
  });
});
