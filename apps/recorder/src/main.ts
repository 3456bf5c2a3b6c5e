// Tollgate recorder: consumes the interception queue and writes the recording tables.
//   node dist/recorder/main.js                       run the worker (SIGTERM/SIGINT: finish jobs in hand, then exit)
//   node dist/recorder/main.js migrate               apply database migrations and exit
//   node dist/recorder/main.js failed list|retry …   inspect / retry the failed set (see FAILED_JOBS_USAGE)
import { NestFactory } from '@nestjs/core';
import { createLogger, loadConfigOrExit, type Logger, type TollgateConfig } from '@tollgate/platform';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { FAILED_JOBS_USAGE, runFailedJobsCommand } from './failed-jobs.command';
import { runMigrateCommand } from './migrate.command';
import { NestPinoLogger } from './nest-pino.logger';
import { RecorderModule } from './recorder.module';

const USAGE = `usage: recorder [run | migrate | failed …]\n${FAILED_JOBS_USAGE}`;

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
    case 'failed':
      return withQueue(config, (queue) => runFailedJobsCommand(queue, args, process.stdout, process.stderr));
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

async function runRecorder(config: TollgateConfig, logger: Logger): Promise<void> {
  const app = await NestFactory.createApplicationContext(RecorderModule.register(config, logger), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  // Our own signal handling rather than Nest's shutdown hooks: after the graceful close, the async log stream is
  // flushed before exiting, so the shutdown log lines are not lost.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'recorder shutting down');
    app
      .close()
      .then(
        () => 0,
        (error: unknown) => {
          logger.error({ err: error }, 'recorder did not shut down cleanly');
          return 1;
        },
      )
      .then((exitCode) => logger.flush(() => process.exit(exitCode)));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function withQueue(config: TollgateConfig, action: (queue: Queue) => Promise<number>): Promise<number> {
  if (!config.redisUrl) {
    process.stderr.write('the failed set lives in Redis: set redisUrl (REDIS_URL)\n');
    return 1;
  }
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue(config.recording.queueName, { connection, prefix: config.recording.queuePrefix });
  try {
    return await action(queue);
  } finally {
    await queue.close();
    await connection.quit();
  }
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    if (exitCode !== undefined) process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`recorder: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
