import { KeyRing } from '../crypto/key-encryption-key.ring';
import type { ProviderKeyBinding } from '../crypto/provider-key.binding';
import { sealProviderKeyAsLegacy } from '@tollgate/testing';
import { openProviderKey, openStoredProviderKey, sealProviderKey, type SealedProviderKey } from '../crypto/provider-key.cipher';
import { rotateStoredKeys, type StoredKeyCursor, type StoredKeyRow } from './stored-key.rotation';

const keyOf = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const OLD_ENTRY = `old:${keyOf(1)}`;
const NEW_ENTRY = `new:${keyOf(2)}`;
const oldRing = KeyRing.parse(OLD_ENTRY);
const rotationRing = KeyRing.parse(`${NEW_ENTRY},${OLD_ENTRY}`);
const newOnlyRing = KeyRing.parse(NEW_ENTRY);

const plaintextFor = ({ userId, providerName }: ProviderKeyBinding) => `sk-SECRET-${userId}-${providerName}`;
const rowKey = ({ userId, providerName }: ProviderKeyBinding) => JSON.stringify([userId, providerName]);
const isAfter = (row: ProviderKeyBinding, cursor: StoredKeyCursor) =>
  row.userId > cursor.userId || (row.userId === cursor.userId && row.providerName > cursor.providerName);

/** The user_provider_keys table in memory: keyset pagination and the compare-and-set the real repository does. */
class MemoryStoredKeyStore {
  private readonly rows = new Map<string, StoredKeyRow>();
  readonly batchRequests: Array<StoredKeyCursor | null> = [];
  /** Runs before each compare-and-set, to simulate a write that lands between load and save. */
  beforeSave: (row: StoredKeyRow) => void = () => undefined;

  put(binding: ProviderKeyBinding, ring: KeyRing, plaintext = plaintextFor(binding)): void {
    this.rows.set(rowKey(binding), { ...binding, ...sealProviderKey(ring, plaintext, binding) });
  }

  /** Writes the row as given, bypassing sealing: a copied or corrupted row. */
  overwrite(row: StoredKeyRow): void {
    this.rows.set(rowKey(row), row);
  }

  delete(binding: ProviderKeyBinding): void {
    this.rows.delete(rowKey(binding));
  }

  row(binding: ProviderKeyBinding): StoredKeyRow {
    const row = this.rows.get(rowKey(binding));
    if (row === undefined) throw new Error(`no row ${rowKey(binding)}`);
    return row;
  }

  all(): StoredKeyRow[] {
    return [...this.rows.values()];
  }

  loadBatch = async (afterCursor: StoredKeyCursor | null, limit: number): Promise<StoredKeyRow[]> => {
    this.batchRequests.push(afterCursor);
    return this.all()
      .filter((row) => afterCursor === null || isAfter(row, afterCursor))
      .sort((a, b) => (isAfter(a, b) ? 1 : -1))
      .slice(0, limit)
      .map((row) => ({ ...row }));
  };

  saveResealed = async (row: StoredKeyRow, resealed: SealedProviderKey, expectedKekId: string): Promise<boolean> => {
    this.beforeSave(row);
    const current = this.rows.get(rowKey(row));
    if (current === undefined || current.kekId !== expectedKekId || !current.iv.equals(row.iv)) return false;
    this.rows.set(rowKey(row), { ...current, ...resealed });
    return true;
  };
}

const USERS = ['u1', 'u2', 'u3'];
const PROVIDERS = ['anthropic', 'openai'];
const BINDINGS = USERS.flatMap((userId) => PROVIDERS.map((providerName) => ({ userId, providerName, baseUrl: null })));

function storeWith(bindings: ProviderKeyBinding[], ring: KeyRing): MemoryStoredKeyStore {
  const store = new MemoryStoredKeyStore();
  for (const binding of bindings) store.put(binding, ring);
  return store;
}

const rotate = (store: MemoryStoredKeyStore, ring = rotationRing, batchSize = 2) =>
  rotateStoredKeys({ ring, loadBatch: store.loadBatch, saveResealed: store.saveResealed, batchSize });

describe('rotateStoredKeys', () => {
  it('re-seals every row under the new primary, batch by batch, so the old kek can be removed', async () => {
    const store = storeWith(BINDINGS, oldRing);

    const report = await rotate(store);

    expect(report).toEqual({ scanned: 6, resealed: 6, alreadyPrimary: 0, skippedConcurrentUpdate: 0, failed: [] });
    expect(store.batchRequests).toEqual([
      null,
      { userId: 'u1', providerName: 'openai' },
      { userId: 'u2', providerName: 'openai' },
      { userId: 'u3', providerName: 'openai' },
    ]);
    for (const binding of BINDINGS) {
      const row = store.row(binding);
      expect(row.kekId).toBe('new');
      expect(openProviderKey(newOnlyRing, row, binding)).toBe(plaintextFor(binding));
    }
  });

  it('leaves rows already under the primary untouched and finds nothing to do on a second run', async () => {
    const store = storeWith(BINDINGS.slice(0, 2), rotationRing);
    for (const binding of BINDINGS.slice(2)) store.put(binding, oldRing);
    const ivBefore = store.row(BINDINGS[0]).iv;

    expect(await rotate(store)).toMatchObject({ scanned: 6, resealed: 4, alreadyPrimary: 2 });
    expect(store.row(BINDINGS[0]).iv.equals(ivBefore)).toBe(true);
    expect(await rotate(store)).toMatchObject({ scanned: 6, resealed: 0, alreadyPrimary: 6 });
  });

  it('re-seals a key sealed before its endpoint was bound, even under the primary, binding the endpoint', async () => {
    const store = new MemoryStoredKeyStore();
    const legacy = { userId: 'gina', providerName: 'compat', baseUrl: 'https://api.example-llm.com/v1/' };
    store.overwrite({ ...legacy, ...sealProviderKeyAsLegacy(NEW_ENTRY, 'sk-gina-endpoint-key', legacy) });

    expect(await rotate(store)).toMatchObject({ scanned: 1, resealed: 1, alreadyPrimary: 0, failed: [] });
    expect(openStoredProviderKey(newOnlyRing, store.row(legacy), legacy)).toEqual({ plaintext: 'sk-gina-endpoint-key', bindingVersion: 'current' });
    expect(await rotate(store)).toMatchObject({ scanned: 1, resealed: 0, alreadyPrimary: 1 });
  });

  it('does not clobber a row updated between load and save', async () => {
    const store = storeWith(BINDINGS, oldRing);
    const updated = BINDINGS[3];
    store.beforeSave = (row) => {
      if (rowKey(row) === rowKey(updated)) store.put(updated, oldRing, 'sk-replaced-by-user');
    };

    const report = await rotate(store);

    expect(report).toMatchObject({ scanned: 6, resealed: 5, skippedConcurrentUpdate: 1, failed: [] });
    expect(store.row(updated).kekId).toBe('old');
    expect(openProviderKey(rotationRing, store.row(updated), updated)).toBe('sk-replaced-by-user');
  });

  it('does not recreate a row deleted between load and save', async () => {
    const store = storeWith(BINDINGS, oldRing);
    const deleted = BINDINGS[0];
    store.beforeSave = (row) => {
      if (rowKey(row) === rowKey(deleted)) store.delete(deleted);
    };

    expect(await rotate(store)).toMatchObject({ resealed: 5, skippedConcurrentUpdate: 1 });
    expect(store.all()).toHaveLength(5);
  });

  it('also walks rows inserted ahead of the cursor while it runs', async () => {
    const store = storeWith(BINDINGS.slice(0, 2), oldRing);
    const late = { userId: 'u9', providerName: 'openai', baseUrl: null };
    let inserted = false;
    store.beforeSave = () => {
      if (!inserted) store.put(late, oldRing);
      inserted = true;
    };

    expect(await rotate(store)).toMatchObject({ scanned: 3, resealed: 3 });
    expect(openProviderKey(newOnlyRing, store.row(late), late)).toBe(plaintextFor(late));
  });

  it('reports rows it cannot open by id and reason, with no key material, and carries on', async () => {
    const store = storeWith(BINDINGS, oldRing);
    store.put(BINDINGS[1], KeyRing.parse(`lost:${keyOf(9)}`));
    const movedFromAnotherRow = { ...store.row(BINDINGS[4]), ...BINDINGS[2] };
    store.overwrite(movedFromAnotherRow);

    const report = await rotate(store);

    expect(report).toMatchObject({ scanned: 6, resealed: 4, skippedConcurrentUpdate: 0 });
    expect(report.failed).toEqual([
      { userId: BINDINGS[1].userId, providerName: BINDINGS[1].providerName, kekId: 'lost', reason: 'unknown-kek' },
      { userId: BINDINGS[2].userId, providerName: BINDINGS[2].providerName, kekId: 'old', reason: 'authentication-failed' },
    ]);
    expect(JSON.stringify(report)).not.toContain('SECRET');
    expect(store.row(BINDINGS[1]).kekId).toBe('lost');
    expect(store.row(BINDINGS[2])).toEqual(movedFromAnotherRow);
  });

  it('stops on a store error instead of swallowing it', async () => {
    const store = storeWith(BINDINGS, oldRing);
    const failure = new Error('connection lost');
    const saveResealed = jest.fn().mockRejectedValueOnce(failure);

    const rotation = rotateStoredKeys({ ring: rotationRing, loadBatch: store.loadBatch, saveResealed });
    await expect(rotation).rejects.toBe(failure);
    expect(saveResealed).toHaveBeenCalledTimes(1);
  });

  it('refuses to loop forever on a loadBatch that ignores the cursor', async () => {
    const store = storeWith(BINDINGS, rotationRing);
    const loadBatch = (_cursor: StoredKeyCursor | null, limit: number) => store.loadBatch(null, limit);

    await expect(rotateStoredKeys({ ring: rotationRing, loadBatch, saveResealed: store.saveResealed })).rejects.toThrow(
      'loadBatch returned the same position again',
    );
  });

  it('finishes at once on an empty table', async () => {
    expect(await rotate(new MemoryStoredKeyStore())).toEqual({
      scanned: 0,
      resealed: 0,
      alreadyPrimary: 0,
      skippedConcurrentUpdate: 0,
      failed: [],
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects batch size %p', async (batchSize) => {
    await expect(rotate(new MemoryStoredKeyStore(), rotationRing, batchSize)).rejects.toThrow(RangeError);
  });
});
