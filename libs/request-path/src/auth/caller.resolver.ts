import { hashGatewayToken, type IdentityDirectory } from '@tollgate/byok';
import type { LiveConfiguration } from '../configuration/live-configuration';
import type { GatewayPrincipal } from './gateway-token.registry';

/** Who a gateway token belongs to: the config file's tokens first, then database-issued ones (by hash). */
export class CallerResolver {
  constructor(
    private readonly live: LiveConfiguration,
    /** Database-issued tokens; unset when the gateway has no identity database. */
    private readonly directory?: IdentityDirectory,
  ) {}

  resolve(token: string): GatewayPrincipal | undefined {
    const tokenHash = hashGatewayToken(token);
    const fromConfig = this.live.tokens.resolveHash(tokenHash);
    if (fromConfig) return fromConfig;
    const owner = this.directory?.tokenOwner(tokenHash);
    return owner ? { userId: owner.userId, tokenId: owner.tokenId } : undefined;
  }
}
