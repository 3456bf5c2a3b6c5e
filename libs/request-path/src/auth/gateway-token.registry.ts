import { hashGatewayToken } from '@tollgate/byok';
import type { GatewayTokenConfig } from '@tollgate/platform';

export interface GatewayPrincipal {
  userId: string;
  /** The database-issued token's id; absent for the config file's tokens. */
  tokenId?: string;
}

/**
 * The config file's `tg_…` gateway tokens, by SHA-256 hash, so the registry never keeps a usable token in memory
 * beyond the configuration object itself. Database-issued tokens live in the identity directory, by the same hash.
 */
export class GatewayTokenRegistry {
  private readonly principals = new Map<string, GatewayPrincipal>();

  constructor(tokens: GatewayTokenConfig[]) {
    for (const { token, user } of tokens) this.principals.set(hashGatewayToken(token), { userId: user });
  }

  resolveHash(tokenHash: string): GatewayPrincipal | undefined {
    return this.principals.get(tokenHash);
  }
}
