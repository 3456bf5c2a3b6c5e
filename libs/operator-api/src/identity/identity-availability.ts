import type { GatewayRuntime } from '@tollgate/gateway';
import { ApiError } from './api-error';
import type { IdentityService } from './identity.service';
import type { TeamService } from './team.service';

/** Users, tokens and stored keys live in the database; a gateway started without one cannot serve these routes. */
export function requireIdentity(runtime: GatewayRuntime): IdentityService {
  if (!runtime.identity) {
    throw new ApiError(503, 'identity_unavailable', 'users, gateway tokens and stored keys need a database: start the gateway with DATABASE_URL');
  }
  return runtime.identity;
}

/** Teams live in the database like users. */
export function requireTeams(runtime: GatewayRuntime): TeamService {
  if (!runtime.teams) throw new ApiError(503, 'identity_unavailable', 'teams need a database: start the gateway with DATABASE_URL');
  return runtime.teams;
}
