import type { Logger } from '@tollgate/platform';
import type { Clock } from '@tollgate/time';
import type { AdminAuditEntry, AdminAuditLog } from '@tollgate/usage';

/**
 * Where the gateway writes what an admin did: the audit log in the database when there is one, and always one
 * `admin action` log line. The entry is written after the change succeeded, before the answer is sent.
 */
export class AdminAuditTrail {
  constructor(
    /** Unset without a database: the log line is then the only record. */
    readonly log: AdminAuditLog | undefined,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async record(entry: AdminAuditEntry): Promise<void> {
    this.logger.info({ audit: entry }, 'admin action');
    if (!this.log) return;
    try {
      await this.log.append(entry, new Date(this.clock.now()));
    } catch (error) {
      // The change is made and cannot be taken back here: the answer stays a success, the missing entry is an error.
      this.logger.error({ err: error, audit: entry }, 'admin action done but its audit entry could not be written');
    }
  }
}
