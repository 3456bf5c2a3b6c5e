// A recorder as its own process, for the crash test (recorder-faults.int-spec.ts): the real recorder microservice
// with short BullMQ lock timings, so that jobs held by a SIGKILLed process are taken over within a second or two
// (production keeps the 30 s defaults). Bundled with esbuild by the test; configured through env vars.
import { createDataSource } from '@tollgate/persistence';
import { createLogger } from '@tollgate/platform';
import { startRecorder } from '../src/recorder.microservice';
import { testRecorderConfig } from './recorder-test.harness';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'recorder-test-process' });
  const dataSource = await createDataSource({ databaseUrl: env('DATABASE_URL'), dataDir: '/nonexistent', logger });
  const recorder = await startRecorder({
    config: testRecorderConfig(env('QUEUE_PREFIX'), {
      batchSize: Number(env('BATCH_SIZE')),
      batchMaxWaitMs: Number(env('BATCH_MAX_WAIT_MS')),
      concurrency: Number(env('CONCURRENCY')),
    }),
    logger,
    dataSource,
    lock: { durationMs: 1_000, stalledIntervalMs: 300 },
  });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void recorder
      .close()
      .then(() => dataSource.destroy())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
