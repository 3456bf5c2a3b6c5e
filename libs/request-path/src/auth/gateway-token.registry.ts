import { hashGatewayToken } from '@tollgate/byok';
import type { LimitSet, ModelPolicy } from '@tollgate/limits';
import type { GatewayTokenConfig } from '@tollgate/platform';

/** What a database-issued token was issued with (docs/byok.md); config-file tokens have none. */
export interface GatewayTokenScope {
  limits: LimitSet | null;
  models: ModelPolicy | null;
  /** The one team the token's requests count against; null: every team of the user. */
  teamId: string | null;
}

export interface GatewayPrincipal {
  userId: string;
  /** The database-issued token's id; absent for the config file's tokens. */
  tokenId?: string;
  /** The database-issued token's scope; absent for the config file's tokens. */
  tokenScope?: GatewayTokenScope;
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
