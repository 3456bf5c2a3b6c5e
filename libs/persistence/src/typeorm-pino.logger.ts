import type { Logger } from '@tollgate/platform';
import type { Logger as TypeormLogger } from 'typeorm';

/**
 * Routes TypeORM's own messages to pino. Query parameters are never logged: they carry prompts and tool arguments.
 * Failed queries are debug only: the caller sees the error and decides how loud it is (a retry is not an incident).
 */
export class TypeormPinoLogger implements TypeormLogger {
  constructor(private readonly logger: Logger) {}

  logQuery(query: string): void {
    this.logger.trace({ query }, 'sql query');
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ query, err: typeof error === 'string' ? new Error(error) : error }, 'sql query failed');
  }

  logQuerySlow(timeMs: number, query: string): void {
    this.logger.warn({ query, timeMs }, 'slow sql query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}
