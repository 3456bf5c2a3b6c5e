import type { CallerAccess } from '@tollgate/limits';
import { callerAccessOf, type DirectoryView } from '../access/caller-access.source';
import type { LiveConfiguration } from '../configuration/live-configuration';
import type { GatewayPrincipal } from './gateway-token.registry';

/**
 * The limits and model policies a caller's requests are held to (docs/limits.md), from the running configuration and
 * the identity directory's in-memory view (the user's settings and teams, the teams' settings, the token's scope).
 */
export class CallerAccessPolicy {
  constructor(
    private readonly live: LiveConfiguration,
    /** Users and teams; unset when the gateway has no identity database. */
    private readonly directory?: DirectoryView,
  ) {}

  /** No I/O: read per request, so it follows configuration reloads and directory changes. */
  accessOf(principal: GatewayPrincipal): CallerAccess {
    return callerAccessOf(principal, this.live.config, this.directory);
  }
}
