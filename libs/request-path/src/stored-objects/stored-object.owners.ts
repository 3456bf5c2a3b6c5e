import type { StoredObjectKind } from '@tollgate/providers';

/**
 * Who created each stored Responses object and conversation through the gateway with a pool key: the pool's
 * account holds every user's objects, so the gateway answers them only to their creator (docs/http-api.md).
 */
export interface StoredObjectOwners {
  /** Records `userId` as the creator, for the owner TTL. */
  record(provider: string, kind: StoredObjectKind, id: string, userId: string): Promise<void>;
  /** The creator, or undefined (never created through the gateway, or its record expired); a hit restarts the TTL. */
  ownerOf(provider: string, kind: StoredObjectKind, id: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export function storedObjectKey(provider: string, kind: StoredObjectKind, id: string): string {
  return `${provider}:${kind}:${id}`;
}
