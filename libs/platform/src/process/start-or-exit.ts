import { explainMissingSchema } from './database-not-migrated.error';

/**
 * Runs an entry point's start-up; if it fails (a bad key-encryption key set, a database that refuses the schema…)
 * prints one line naming the reason to stderr and exits 1, instead of an unhandled-rejection stack trace. A database
 * without the schema is reported as not migrated, with the command that migrates it.
 * Start-up errors carry no secrets: configuration values are never put in messages.
 */
export function startOrExit(name: string, start: () => Promise<void>): void {
  start().catch((failure: unknown) => {
    const error = explainMissingSchema(failure);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: could not start: ${message}\n`);
    process.exit(1);
  });
}
