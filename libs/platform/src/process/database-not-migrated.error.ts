/** How an operator migrates the database (docs/deploy.md): the recorder's `migrate` command. */
export const MIGRATE_COMMAND = 'npm run start:recorder -- migrate';

/** The database's schema is missing or older than this code: say so, and how to migrate, instead of a SQL error. */
export class DatabaseNotMigratedError extends Error {
  constructor(detail: string) {
    super(
      `the database is not migrated (${detail}): run \`${MIGRATE_COMMAND}\` (a container: the recorder image with the argument \`migrate\`) with the same DATABASE_URL, then start again`,
    );
    this.name = 'DatabaseNotMigratedError';
  }
}

/** Postgres' undefined_table and undefined_column: a query met a schema older than the code. */
const MISSING_SCHEMA_CODES = new Set(['42P01', '42703']);

/** The error itself, or a DatabaseNotMigratedError when it is Postgres reporting a missing table or column. */
export function explainMissingSchema(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && MISSING_SCHEMA_CODES.has(code)) return new DatabaseNotMigratedError(error.message);
  return error;
}
