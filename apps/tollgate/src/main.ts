import './instrument';
import { MemoryKeyStateStore, RedisKeyStateStore, type KeyStateStore } from '@tollgate/keypool';
import { RedisBudgetLedger, RedisDirectoryNotifier, RedisRateLimiter, RedisStoredObjectOwners, createGatewayApp, enableLiveReload } from '@tollgate/gateway';
import { DatabaseTransportProbe, EmbeddedBatchSender, InterceptionEventWriter, RetentionSweeper, TypeormSqlClient, createDataSource } from '@tollgate/persistence';
import { PostgresAdminAuditLog, PostgresIdentityStore, PostgresInterceptionStore, PostgresUsageStore } from '@tollgate/sql-stores';
import { createPriceTable, spendBaselineFrom } from '@tollgate/usage';
import { createLogger, loadConfigOrExit, releaseStartupMemory, runUntilSignalled, startOrExit } from '@tollgate/platform';

/**
 * The all-in-one process: the gateway plus an in-process recorder writing straight to Postgres. With no REDIS_URL
 * and no DATABASE_URL (the embedded default) key state lives in memory and the database is an embedded PGlite
 * under `dataDir`, so nothing but Node is needed.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ servesGateway: true });
  const logger = createLogger({ level: config.logging.level, name: 'tollgate' });
  const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, migrate: true });
  const eventSender = new EmbeddedBatchSender(new InterceptionEventWriter(dataSource, { prices: createPriceTable(config.prices) }), logger);
  const keyStateStore: KeyStateStore = config.redisUrl
    ? new RedisKeyStateStore({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix, logger })
    : new MemoryKeyStateStore();

  // The stores share the data source's connections (the embedded database has only one).
  const sql = new TypeormSqlClient(dataSource);
  const usageStore = new PostgresUsageStore(sql);
  // With Redis the budget counters are shared (replicas); without, the gateway's in-process ledger is used.
  const budgetLedger = config.redisUrl
    ? new RedisBudgetLedger({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix, baseline: spendBaselineFrom(usageStore) })
    : undefined;
  const storedObjectOwners = config.redisUrl
    ? new RedisStoredObjectOwners({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix, ttlMs: config.storedObjects.ownerTtlMs })
    : undefined;
  // Limit counters likewise: shared through Redis, else counted in this process.
  const rateLimiter = config.redisUrl
    ? new RedisRateLimiter({
        redis: config.redisUrl,
        keyPrefix: config.keyPool.redisKeyPrefix,
        leaseMs: config.limits.concurrencyLeaseMs,
        onRenewalFailure: (error) => logger.warn({ err: error }, 'could not renew concurrency leases; they expire if Redis stays unreachable'),
      })
    : undefined;
  // With Redis, replicas of the all-in-one hear each other's directory changes at once (one process needs nothing).
  const directoryNotifier = config.redisUrl ? new RedisDirectoryNotifier({ redis: config.redisUrl, keyPrefix: config.keyPool.redisKeyPrefix }) : undefined;
  const recordingProbe = new DatabaseTransportProbe(dataSource);
  const gateway = await createGatewayApp({
    config,
    logger,
    eventSender,
    recordingProbe,
    keyStateStore,
    identityStore: new PostgresIdentityStore(sql),
    directoryNotifier,
    usageStore,
    interceptionStore: new PostgresInterceptionStore(sql),
    adminAuditLog: new PostgresAdminAuditLog(sql),
    budgetLedger,
    rateLimiter,
    storedObjectOwners,
  });
  releaseStartupMemory();
  const address = await gateway.listen();
  logger.info(
    {
      address,
      providers: config.providers.map((provider) => provider.name),
      keyState: config.redisUrl ? 'redis' : 'memory',
      database: config.databaseUrl ? 'postgres' : `embedded PGlite in ${config.dataDir}`,
    },
    'tollgate listening',
  );
  const { retentionMs, retentionIntervalMs } = config.recording;
  const retention = retentionMs === undefined ? undefined : new RetentionSweeper({ sql, retentionMs, intervalMs: retentionIntervalMs, logger });
  retention?.start();
  const stopReloading = enableLiveReload(gateway.runtime, logger);
  runUntilSignalled(logger, async () => {
    stopReloading();
    await retention?.stop();
    await gateway.close();
    await dataSource.destroy();
  });
}

startOrExit('tollgate', main);
