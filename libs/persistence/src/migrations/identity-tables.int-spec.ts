import type { TollgateDataSource } from '../data-source.factory';
import { DATABASE_BACKENDS } from '../database-backends.test-support';
import { runMigrations } from '../migration.runner';
import { RECORDING_MIGRATIONS } from './index';

describe.each(DATABASE_BACKENDS)('identity tables on $name', (backend) => {
  let dataSource: TollgateDataSource;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource, dispose } = await backend.open());
    await runMigrations(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  it('has the identity tables of the spec', async () => {
    const columns: { table_name: string; column_name: string; data_type: string; is_nullable: string; max: number | null; default: string | null }[] =
      await dataSource.query(
        `SELECT table_name, column_name, data_type, is_nullable, character_maximum_length AS max, column_default AS default
           FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name IN ('users', 'gateway_tokens', 'user_provider_keys', 'directory_changes')
          ORDER BY table_name, ordinal_position`,
      );
    const describe = (table: string) =>
      columns
        .filter((column) => column.table_name === table)
        .map(
          (c) =>
            `${c.column_name} ${c.data_type}${c.max ? `(${c.max})` : ''}${c.is_nullable === 'YES' ? ' null' : ''}` +
            (c.default ? ` default ${c.default}` : ''),
        );
    expect(describe('users')).toEqual([
      'id text',
      "display_name text default ''::text",
      'byok_mode text null',
      'created_at timestamp with time zone',
      'updated_at timestamp with time zone',
      'budget_micros bigint null',
      'budget_period text null',
      'limits jsonb null',
      'models jsonb null',
    ]);
    expect(describe('gateway_tokens')).toEqual([
      'id uuid',
      'user_id text',
      'token_hash character(64)',
      'hint character varying(32)',
      "name text default ''::text",
      'created_at timestamp with time zone',
      'revoked_at timestamp with time zone null',
      'expires_at timestamp with time zone null',
      'limits jsonb null',
      'models jsonb null',
      'team_id text null',
      'last_used_at timestamp with time zone null',
    ]);
    expect(describe('user_provider_keys')).toEqual([
      'user_id text',
      'provider_name text',
      'ciphertext bytea',
      'iv bytea',
      'auth_tag bytea',
      'kek_id text',
      'wrapped_key bytea',
      'hint character varying(32)',
      'fingerprint text',
      'base_url text null',
      'created_at timestamp with time zone',
      'updated_at timestamp with time zone',
      'last_used_at timestamp with time zone null',
    ]);
    expect(describe('directory_changes')).toEqual([
      "id bigint default nextval('directory_changes_id_seq'::regclass)",
      'user_id text null',
      'changed_at timestamp with time zone default now()',
      'team_id text null',
    ]);
    expect(await describeColumn('interceptions', 'credential_source')).toEqual({ data_type: 'text', is_nullable: 'NO', column_default: "'pool'::text" });
  });

  it('has the keys, the cascade to a user, the unique token hash and the mode check', async () => {
    const constraints: { table: string; name: string; definition: string }[] = await dataSource.query(
      `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
          AND contype <> 'n' -- newer servers list NOT NULL as constraints too
          AND conrelid::regclass::text IN ('users', 'gateway_tokens', 'user_provider_keys', 'directory_changes')
        ORDER BY 1, 2`,
    );
    expect(constraints.map((c) => `${c.table}.${c.name}: ${c.definition}`)).toEqual([
      'directory_changes.chk_directory_changes_subject: CHECK (((user_id IS NOT NULL) OR (team_id IS NOT NULL)))',
      'directory_changes.pk_directory_changes: PRIMARY KEY (id)',
      'gateway_tokens.fk_gateway_tokens_user: FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
      'gateway_tokens.pk_gateway_tokens: PRIMARY KEY (id)',
      'gateway_tokens.uq_gateway_tokens_token_hash: UNIQUE (token_hash)',
      'user_provider_keys.fk_user_provider_keys_user: FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
      'user_provider_keys.pk_user_provider_keys: PRIMARY KEY (user_id, provider_name)',
      "users.chk_users_budget: CHECK ((((budget_micros IS NULL) AND (budget_period IS NULL)) OR ((budget_micros >= 0) AND (budget_period = ANY (ARRAY['day'::text, 'week'::text, 'month'::text])))))",
      "users.chk_users_byok_mode: CHECK ((byok_mode = ANY (ARRAY['disabled'::text, 'prefer'::text, 'require'::text])))",
      'users.pk_users: PRIMARY KEY (id)',
    ]);
  });

  it('backfills the credential source of recorded interceptions, and migrates down', async () => {
    // Both migrations replayed in a throwaway schema inside a transaction that is rolled back.
    const [recordingTables, identityTables] = RECORDING_MIGRATIONS.map((Migration) => new Migration());
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('CREATE SCHEMA identity_migration_check');
      await runner.query('SET LOCAL search_path TO identity_migration_check');
      await recordingTables.up(runner);
      await runner.query(
        `INSERT INTO interceptions (id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, started_at, metadata)
         VALUES ('00000000-0000-4000-8000-000000000001', 'alice', 'openai', 'openai', 'm', false, 'curl', 'curl', 'byok', now(), '{}'),
                ('00000000-0000-4000-8000-000000000002', 'bob', 'openai', 'openai', 'm', false, 'curl', 'curl', 'centralized', now(), '{}')`,
      );
      await identityTables.up(runner);
      expect(await runner.query('SELECT credential_kind, credential_source FROM interceptions ORDER BY id')).toEqual([
        { credential_kind: 'byok', credential_source: 'request' },
        { credential_kind: 'centralized', credential_source: 'pool' },
      ]);

      await identityTables.down(runner);
      const left: { table_name: string }[] = await runner.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'identity_migration_check' ORDER BY 1`,
      );
      expect(left.map((row) => row.table_name)).toEqual(['interceptions', 'token_usages', 'tool_usages', 'user_prompts']);
      expect(await runner.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = 'identity_migration_check' AND column_name = 'credential_source'`)).toEqual([]);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  async function describeColumn(table: string, column: string) {
    const [row] = await dataSource.query(
      `SELECT data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2`,
      [table, column],
    );
    return row;
  }
});
