// Tollgate recorder: a Nest microservice consuming the recording queue (BullMQ) into the recording tables.
//   node dist/recorder/main.js                       run the worker (SIGTERM/SIGINT: finish jobs in hand, then exit)
//   node dist/recorder/main.js migrate               apply database migrations and exit
//   node dist/recorder/main.js failed list|retry …   inspect / retry the failed set (see FAILED_JOBS_USAGE)
//   node dist/recorder/main.js rotate-keys           re-seal stored provider keys under the first TOLLGATE_ENCRYPTION_KEYS entry
import './instrument';
import { DatabaseNotMigratedError, createLogger, explainMissingSchema, loadConfigOrExit, runUntilSignalled, type Logger, type TollgateConfig } from '@tollgate/platform';
import type { Queue } from 'bullmq';
import { FAILED_JOBS_USAGE, runFailedJobsCommand } from './failed-jobs.command';
import { runMigrateCommand } from './migrate.command';
import { runRotateKeysCommand } from './rotate-keys.command';
import { startRecorder } from './recorder.microservice';
import { RecordingQueues } from './recording-queues';

const USAGE = `usage: recorder [run | migrate | rotate-keys | failed …]\n${FAILED_JOBS_USAGE}`;

async function main(argv: string[]): Promise<number | undefined> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logging.level, name: 'recorder' });
  const [command = 'run', ...args] = argv;
  switch (command) {
    case 'run':
      await runRecorder(config, logger);
      return undefined; // keeps running until a signal
    case 'migrate':
      return runMigrateCommand(config, logger, process.stdout);
    case 'rotate-keys':
      return runRotateKeysCommand(config, logger, process.stdout, process.stderr);
    case 'failed':
      return withQueues(config, (queues) => runFailedJobsCommand(queues, args, process.stdout, process.stderr));
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

async function runRecorder(config: TollgateConfig, logger: Logger): Promise<void> {
  const recorder = await startRecorder({ config, logger });
  // Our own signal handling rather than Nest's shutdown hooks: after the graceful close, spans and the async log
  // stream are flushed before exiting, so the shutdown lines are not lost.
  runUntilSignalled(logger, () => recorder.close());
}

/** Every queue the recorder consumes (every shard, and those being drained). */
async function withQueues(config: TollgateConfig, action: (queues: Queue[]) => Promise<number>): Promise<number> {
  if (!config.redisUrl && config.recording.redisCluster.length === 0) {
    process.stderr.write('the failed set lives in Redis: set redisUrl (REDIS_URL) or recording.redisCluster\n');
    return 1;
  }
  const queues = RecordingQueues.open(config, () => undefined); // errors surface through the failing commands
  try {
    return await action(queues.queues);
  } finally {
    await queues.close();
  }
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    if (exitCode !== undefined) process.exitCode = exitCode;
  },
  (failure: unknown) => {
    const error = explainMissingSchema(failure);
    // A database that is not migrated is an operator's next step, not a bug: one line, no stack.
    const text = error instanceof DatabaseNotMigratedError ? `could not start: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`recorder: ${text}\n`);
    process.exit(1);
  },
);
