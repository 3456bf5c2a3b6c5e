import { createHash } from 'node:crypto';
import type { GatewayTokenConfig } from '@tollgate/platform';

export interface GatewayPrincipal {
  userId: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Resolves a `tg_…` gateway token to the user it belongs to. Tokens are held only as SHA-256 hashes, so the
 * registry never keeps a usable token in memory beyond the configuration object itself.
 */
export class GatewayTokenRegistry {
  private readonly principals = new Map<string, GatewayPrincipal>();

  constructor(tokens: GatewayTokenConfig[]) {
    for (const { token, user } of tokens) this.principals.set(hashToken(token), { userId: user });
  }

  resolve(token: string): GatewayPrincipal | undefined {
    return this.principals.get(hashToken(token));
  }
}
