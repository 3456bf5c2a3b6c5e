import type { TeamSettings, UserRecord } from '@tollgate/byok';
import { resolveCallerAccess, type CallerAccess } from '@tollgate/limits';
import type { TollgateConfig } from '@tollgate/platform';
import type { GatewayPrincipal } from '../auth/gateway-token.registry';

/** What of the identity directory's in-memory view a caller's access is read from. */
export interface DirectoryView {
  user(userId: string): UserRecord | undefined;
  teamSettings(): ReadonlyMap<string, TeamSettings>;
}

/**
 * The limits and model policies a caller is held to (docs/limits.md): the configuration's defaults, and from the
 * directory the user's own settings and teams, the teams' settings and the database token's scope. Config-file
 * tokens and users without a row have no settings of their own. No I/O.
 */
export function callerAccessOf(principal: GatewayPrincipal, config: Pick<TollgateConfig, 'limits' | 'models'>, directory: DirectoryView | undefined): CallerAccess {
  const user = directory?.user(principal.userId);
  const scope = principal.tokenScope;
  return resolveCallerAccess({
    userId: principal.userId,
    deploymentLimits: config.limits.default,
    deploymentModels: config.models,
    user: user && { limits: user.limits, models: user.models, teamIds: user.teamIds },
    teams: directory?.teamSettings(),
    token: principal.tokenId && scope ? { id: principal.tokenId, ...scope } : undefined,
  });
}
