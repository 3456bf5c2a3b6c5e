import type { TollgateDataSource } from '../data-source.factory';
import { DATABASE_BACKENDS } from '../database-backends.test-support';
import { runMigrations } from '../migration.runner';
import { RECORDING_MIGRATIONS } from './index';
import { AddTeamsAndScopedTokens1767830400000 } from './1767830400000-add-teams-and-scoped-tokens';

describe.each(DATABASE_BACKENDS)('teams and scoped tokens on $name', (backend) => {
  let dataSource: TollgateDataSource;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource, dispose } = await backend.open());
    await runMigrations(dataSource);
  }, 60_000);

  afterAll(async () => {
    await dispose?.();
  });

  it('has the teams and team_members tables with their keys, cascades and budget check', async () => {
    const columns: { table_name: string; column_name: string; data_type: string; is_nullable: string }[] = await dataSource.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN ('teams', 'team_members') ORDER BY table_name, ordinal_position`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name} ${c.data_type}${c.is_nullable === 'YES' ? ' null' : ''}`)).toEqual([
      'team_members.team_id text',
      'team_members.user_id text',
      'team_members.created_at timestamp with time zone',
      'teams.id text',
      'teams.name text',
      'teams.limits jsonb null',
      'teams.budget_micros bigint null',
      'teams.budget_period text null',
      'teams.models jsonb null',
      'teams.created_at timestamp with time zone',
      'teams.updated_at timestamp with time zone',
    ]);
    const constraints: { name: string; definition: string }[] = await dataSource.query(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace AND contype <> 'n' AND conrelid::regclass::text IN ('teams', 'team_members')
        ORDER BY 1`,
    );
    expect(constraints.map((c) => `${c.name}: ${c.definition}`)).toEqual([
      'chk_teams_budget: CHECK ((((budget_micros IS NULL) AND (budget_period IS NULL)) OR ((budget_micros >= 0) AND (budget_period = ANY (ARRAY[\'day\'::text, \'week\'::text, \'month\'::text])))))',
      'fk_team_members_team: FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE CASCADE',
      'fk_team_members_user: FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
      'pk_team_members: PRIMARY KEY (team_id, user_id)',
      'pk_teams: PRIMARY KEY (id)',
    ]);
  });

  it('migrates down to the schema before it and up again', async () => {
    const migration = new AddTeamsAndScopedTokens1767830400000();
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('CREATE SCHEMA teams_migration_check');
      await runner.query('SET LOCAL search_path TO teams_migration_check');
      const earlier = RECORDING_MIGRATIONS.filter((Migration) => Migration !== AddTeamsAndScopedTokens1767830400000);
      for (const Migration of earlier) await new Migration().up(runner);
      const tablesBefore = await tables(runner);
      const columnsBefore = await columnsOf(runner);

      await migration.up(runner);
      expect(await tables(runner)).toEqual([...tablesBefore, 'team_members', 'teams'].sort());
      await runner.query(`INSERT INTO directory_changes (team_id) VALUES ('red')`);
      await migration.down(runner);
      expect(await tables(runner)).toEqual(tablesBefore);
      expect(await columnsOf(runner)).toEqual(columnsBefore);
      await migration.up(runner);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

async function tables(runner: { query(sql: string): Promise<{ table_name: string }[]> }): Promise<string[]> {
  const rows = await runner.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'teams_migration_check' ORDER BY 1`);
  return rows.map((row) => row.table_name);
}

async function columnsOf(runner: { query(sql: string): Promise<{ c: string }[]> }): Promise<string[]> {
  const rows = await runner.query(
    `SELECT table_name || '.' || column_name || ' ' || is_nullable AS c FROM information_schema.columns
      WHERE table_schema = 'teams_migration_check' AND table_name IN ('users', 'gateway_tokens', 'directory_changes') ORDER BY 1`,
  );
  return rows.map((row) => row.c);
}
