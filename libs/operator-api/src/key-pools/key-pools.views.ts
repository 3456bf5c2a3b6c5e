import type { KeyListing } from '@tollgate/keypool';
import type { ProviderType } from '@tollgate/providers';

export interface PoolKeyView extends KeyListing {
  /** The last recorded centralized interception this key (by its hint) was handed out for; null: none recorded. */
  lastUsedAt: string | null;
}

export interface ProviderPoolView {
  name: string;
  type: ProviderType;
  strategy: 'ordered' | 'round-robin';
  keys: PoolKeyView[];
}

export interface KeyPoolsView {
  /** The gateway's clock, for countdowns to `until`. */
  now: string;
  /** False when the gateway has no recording database: `lastUsedAt` is then always null. */
  lastUseRecorded: boolean;
  providers: ProviderPoolView[];
}
