import type { KeyRing } from '../crypto/key-encryption-key.ring';
import type { ProviderKeyBinding } from '../crypto/provider-key.binding';
import {
  isSealedAsCurrent,
  resealProviderKey,
  StoredKeyDecryptionError,
  type SealedProviderKey,
  type StoredKeyDecryptionFailure,
} from '../crypto/provider-key.cipher';

export type StoredKeyRow = ProviderKeyBinding & SealedProviderKey;

/** Where the next batch starts: the (userId, providerName) of the last row already seen. */
export type StoredKeyCursor = Pick<ProviderKeyBinding, 'userId' | 'providerName'>;

export interface StoredKeyRotationArgs {
  ring: KeyRing;
  /** Up to `limit` rows strictly after `afterCursor` (null: from the start), ordered by (userId, providerName). */
  loadBatch(afterCursor: StoredKeyCursor | null, limit: number): Promise<readonly StoredKeyRow[]>;
  /**
   * Compare-and-set: writes `resealed` only if the row still has kek `expectedKekId` and iv `row.iv`.
   * Resolves false when it did not (the row was updated or deleted meanwhile).
   */
  saveResealed(row: StoredKeyRow, resealed: SealedProviderKey, expectedKekId: string): Promise<boolean>;
  batchSize?: number;
}

export interface StoredKeyRotationFailure extends StoredKeyCursor {
  readonly kekId: string;
  readonly reason: StoredKeyDecryptionFailure;
}

export interface StoredKeyRotationReport {
  scanned: number;
  resealed: number;
  alreadyPrimary: number;
  skippedConcurrentUpdate: number;
  failed: StoredKeyRotationFailure[];
}

const DEFAULT_BATCH_SIZE = 100;

/**
 * Re-seals every stored key that is not under the ring's primary kek, or still under the legacy binding (without its
 * endpoint), online, one batch at a time.
 * A row that cannot be opened is reported in `failed` and the walk goes on; a store error stops the walk.
 * An old kek can leave the ring once a run reports nothing skipped or failed and every replica seals with the new
 * primary (a replica still on the old ring may write under the old kek during the run).
 */
export async function rotateStoredKeys(args: StoredKeyRotationArgs): Promise<StoredKeyRotationReport> {
  const { batchSize = DEFAULT_BATCH_SIZE } = args;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const report: StoredKeyRotationReport = {
    scanned: 0,
    resealed: 0,
    alreadyPrimary: 0,
    skippedConcurrentUpdate: 0,
    failed: [],
  };
  let cursor: StoredKeyCursor | null = null;
  for (;;) {
    const rows = await args.loadBatch(cursor, batchSize);
    if (rows.length === 0) return report;
    const last = rows[rows.length - 1];
    if (cursor !== null && last.userId === cursor.userId && last.providerName === cursor.providerName) {
      throw new Error('loadBatch returned the same position again: it must only return rows after the cursor');
    }
    for (const row of rows) {
      report.scanned += 1;
      await rotateRow(args, row, report);
    }
    cursor = { userId: last.userId, providerName: last.providerName };
  }
}

async function rotateRow(
  args: StoredKeyRotationArgs,
  row: StoredKeyRow,
  report: StoredKeyRotationReport,
): Promise<void> {
  const { ring } = args;
  let resealed: SealedProviderKey;
  try {
    if (isSealedAsCurrent(ring, row, row)) {
      report.alreadyPrimary += 1;
      return;
    }
    resealed = resealProviderKey(ring, row, row);
  } catch (error) {
    if (!(error instanceof StoredKeyDecryptionError)) throw error;
    report.failed.push({ userId: row.userId, providerName: row.providerName, kekId: row.kekId, reason: error.reason });
    return;
  }
  if (await args.saveResealed(row, resealed, row.kekId)) report.resealed += 1;
  else report.skippedConcurrentUpdate += 1;
}
