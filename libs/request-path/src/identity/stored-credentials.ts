import type { ByokMode } from '@tollgate/byok';

/** A stored key opened for one upstream call. */
export interface StoredCredential {
  key: string;
  hint: string;
  baseUrl: string | null;
}

/** Users' BYOK modes and stored provider keys, as the request path reads them (kept by the identity database). */
export interface StoredCredentials {
  modeOf(userId: string): ByokMode;
  hasStoredKey(userId: string, providerName: string): boolean;
  /** Opens the user's stored key for this provider; undefined if there is none or it cannot be opened. */
  storedCredential(userId: string, providerName: string): StoredCredential | undefined;
}
