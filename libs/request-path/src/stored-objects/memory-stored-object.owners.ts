import type { StoredObjectKind } from '@tollgate/providers';
import { systemClock, type Clock } from '@tollgate/time';
import { storedObjectKey, type StoredObjectOwners } from './stored-object.owners';

const PRUNE_EVERY_RECORDS = 1_000;

/** Owners in this process only: for a single gateway (the embedded default); forgotten on restart. */
export class MemoryStoredObjectOwners implements StoredObjectOwners {
  private readonly owners = new Map<string, { userId: string; expiresAt: number }>();
  private recordsSincePrune = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async record(provider: string, kind: StoredObjectKind, id: string, userId: string): Promise<void> {
    if (++this.recordsSincePrune >= PRUNE_EVERY_RECORDS) this.pruneExpired();
    this.owners.set(storedObjectKey(provider, kind, id), { userId, expiresAt: this.clock.now() + this.ttlMs });
  }

  async ownerOf(provider: string, kind: StoredObjectKind, id: string): Promise<string | undefined> {
    const key = storedObjectKey(provider, kind, id);
    const entry = this.owners.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.owners.delete(key);
      return undefined;
    }
    entry.expiresAt = this.clock.now() + this.ttlMs;
    return entry.userId;
  }

  async close(): Promise<void> {
    this.owners.clear();
  }

  private pruneExpired(): void {
    this.recordsSincePrune = 0;
    const now = this.clock.now();
    for (const [key, entry] of this.owners) if (entry.expiresAt <= now) this.owners.delete(key);
  }
}
