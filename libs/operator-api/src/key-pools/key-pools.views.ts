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
  /** Where its requests go: the provider's own API, Claude on AWS Bedrock, or Azure OpenAI (`auth: api-key` or `azure`). */
  upstream: ProviderUpstream;
  /** The AWS region of a Bedrock upstream; null otherwise. */
  region: string | null;
  keys: PoolKeyView[];
}

export type ProviderUpstream = 'direct' | 'bedrock' | 'azure-openai';

export interface KeyPoolsView {
  /** The gateway's clock, for countdowns to `until`. */
  now: string;
  /** False when the gateway has no recording database: `lastUsedAt` is then always null. */
  lastUseRecorded: boolean;
  providers: ProviderPoolView[];
}
