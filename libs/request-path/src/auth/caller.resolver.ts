import { hashGatewayToken, type IdentityDirectory } from '@tollgate/byok';
import type { Clock } from '@tollgate/time';
import type { LiveConfiguration } from '../configuration/live-configuration';
import type { GatewayPrincipal } from './gateway-token.registry';

/**
 * Who a gateway token belongs to: the config file's tokens first, then database-issued ones (by hash), unless expired
 * by the gateway's clock. A database token's use is noted in memory (the directory writes the uses in batches).
 */
export class CallerResolver {
  constructor(
    private readonly live: LiveConfiguration,
    private readonly clock: Clock,
    /** Database-issued tokens; unset when the gateway has no identity database. */
    private readonly directory?: IdentityDirectory,
  ) {}

  resolve(token: string): GatewayPrincipal | undefined {
    const tokenHash = hashGatewayToken(token);
    const fromConfig = this.live.tokens.resolveHash(tokenHash);
    if (fromConfig) return fromConfig;
    const owner = this.directory?.tokenOwner(tokenHash);
    if (!this.directory || !owner) return undefined;
    if (owner.expiresAt && owner.expiresAt.getTime() <= this.clock.now()) return undefined;
    this.directory.noteTokenUsed(owner.tokenId);
    return { userId: owner.userId, tokenId: owner.tokenId, tokenScope: { limits: owner.limits, models: owner.models, teamId: owner.teamId } };
  }
}
