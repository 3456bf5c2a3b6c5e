import { KeyRing, rotateStoredKeys } from '@tollgate/byok';
import { TypeormSqlClient, createDataSource } from '@tollgate/persistence';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import { PostgresIdentityStore } from '@tollgate/sql-stores';
import type { CommandOutput } from './failed-jobs.command';

/**
 * `recorder rotate-keys`: re-seals every stored provider key under the first key-encryption key of
 * TOLLGATE_ENCRYPTION_KEYS, online (gateways keep serving; a key changed meanwhile is left to its new value).
 * Exit 0 when every key is under the first kek afterwards, 1 when some could not be opened (listed by id), 2 when
 * the key set is missing or invalid.
 */
export async function runRotateKeysCommand(config: TollgateConfig, logger: Logger, out: CommandOutput, err: CommandOutput): Promise<number> {
  if (!config.byok.encryptionKeys) {
    err.write('rotate-keys needs TOLLGATE_ENCRYPTION_KEYS (id:base64key,…; the first one encrypts)\n');
    return 2;
  }
  let ring: KeyRing;
  try {
    ring = KeyRing.parse(config.byok.encryptionKeys);
  } catch (error) {
    err.write(`${(error as Error).message}\n`);
    return 2;
  }
  const dataSource = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    const store = new PostgresIdentityStore(new TypeormSqlClient(dataSource));
    const report = await rotateStoredKeys({
      ring,
      loadBatch: (after, limit) => store.keysAfter(after ?? undefined, limit),
      saveResealed: (row, resealed, expectedKekId) => store.resealKey(row, { kekId: expectedKekId, iv: row.iv }, resealed),
    });
    out.write(
      `scanned ${report.scanned}: re-sealed ${report.resealed} under "${ring.primary.id}", ${report.alreadyPrimary} already were, ` +
        `${report.skippedConcurrentUpdate} changed meanwhile (run again), ${report.failed.length} could not be opened\n`,
    );
    for (const failure of report.failed) out.write(`  not opened: user ${failure.userId}, provider ${failure.providerName}, kek ${failure.kekId} (${failure.reason})\n`);
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
  }
}
