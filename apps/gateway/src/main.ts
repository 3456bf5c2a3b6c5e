import './instrument';
import { RedisKeyStateStore } from '@tollgate/keypool';
import {
  BullmqBatchClient,
  RedisBudgetLedger,
  RedisRateLimiter,
  RedisDirectoryNotifier,
  RedisStoredObjectOwners,
  RedisTransportProbe,
  createGatewayApp,
  enableLiveReload,
} from '@tollgate/gateway';
import { createLogger, loadConfigOrExit, releaseStartupMemory, runUntilSignalled, startOrExit } from '@tollgate/platform';
import { PgPoolSqlClient, PostgresAdminAuditLog, PostgresIdentityStore, PostgresInterceptionStore, PostgresUsageStore } from '@tollgate/sql-stores';
import { spendBaselineFrom } from '@tollgate/usage';

/**
 * The gateway alone, for split deployments: key state in Redis, interception events in batches to the BullMQ queue. With
 * DATABASE_URL it also serves users, database-issued tokens and stored keys (read into memory, never per request);
 * the schema is migrated by the recorder (`recorder migrate`), not here.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ servesGateway: true });
  const logger = createLogger({ level: config.logging.level, name: 'gateway' });
  if (!config.redisUrl) {
    logger.fatal('the standalone gateway needs REDIS_URL (key state and the recording queue); use `npm start` for the embedded all-in-one');
    process.exit(1);
  }
  const keyStateStore = new RedisKeyStateStore({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix, logger });
  const eventSender = new BullmqBatchClient({
    redisUrl: config.redisUrl,
    redisCluster: config.recording.redisCluster,
    queueName: config.recording.queueName,
    shards: config.recording.queueShards,
    prefix: config.recording.queuePrefix,
    attempts: config.recording.attempts,
    backoffMs: config.recording.backoffMs,
  });
  await eventSender.connect(); // the queue's connection opens now, not with the first batch (Redis may still be down)
  const recordingProbe = new RedisTransportProbe({ redisUrl: config.redisUrl, redisCluster: config.recording.redisCluster });
  const sql = config.databaseUrl ? await PgPoolSqlClient.connect({ url: config.databaseUrl, logger, poolSize: 4 }) : undefined;
  const identityStore = sql ? new PostgresIdentityStore(sql) : undefined;
  const usageStore = sql ? new PostgresUsageStore(sql) : undefined;
  const interceptionStore = sql ? new PostgresInterceptionStore(sql) : undefined;
  const adminAuditLog = sql ? new PostgresAdminAuditLog(sql) : undefined;
  if (!identityStore) logger.info('no DATABASE_URL: gateway tokens come from the config file only, stored keys, the usage API and the interceptions API are off');
  // Budget counters shared by every replica; a missing counter is rebuilt from the recorded spend (if any database).
  const budgetLedger = new RedisBudgetLedger({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix, baseline: spendBaselineFrom(usageStore) });
  // Revocations and other directory changes reach every replica at once, not only at its next poll.
  const directoryNotifier = identityStore ? new RedisDirectoryNotifier({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix }) : undefined;
  const storedObjectOwners = new RedisStoredObjectOwners({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix, ttlMs: config.storedObjects.ownerTtlMs });
  const rateLimiter = new RedisRateLimiter({
    redis: config.redisUrl,
    keyPrefix: config.keyPool.redisKeyPrefix,
    leaseMs: config.limits.concurrencyLeaseMs,
    onRenewalFailure: (error) => logger.warn({ err: error }, 'could not renew concurrency leases; they expire if Redis stays unreachable'),
  });
  const gateway = await createGatewayApp({
    config,
    logger,
    eventSender,
    recordingProbe,
    keyStateStore,
    identityStore,
    directoryNotifier,
    usageStore,
    interceptionStore,
    adminAuditLog,
    budgetLedger,
    rateLimiter,
    storedObjectOwners,
  });
  releaseStartupMemory();
  const address = await gateway.listen();
  logger.info({ address, providers: config.providers.map((provider) => provider.name) }, 'gateway listening');
  const stopReloading = enableLiveReload(gateway.runtime, logger);
  runUntilSignalled(logger, async () => {
    stopReloading();
    await gateway.close();
    await sql?.close();
  });
}

startOrExit('gateway', main);
