import type { Logger } from '../logging';
import { shutdownTelemetry } from '../telemetry';

/**
 * Closes the process cleanly on SIGTERM/SIGINT: runs `close`, flushes pending spans and the asynchronous log
 * stream (or the last lines would be lost), then exits 0 (1 if closing failed). A second signal exits at once.
 */
export function runUntilSignalled(logger: Logger, close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, 'shutting down');
    close()
      .then(
        () => {
          logger.info('shut down cleanly');
          return 0;
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          return 1;
        },
      )
      .then(async (exitCode) => {
        await shutdownTelemetry().catch(() => undefined);
        logger.flush(() => process.exit(exitCode));
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
