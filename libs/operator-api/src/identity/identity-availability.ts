import { ApiError } from './api-error';
import type { IdentityService } from './identity.service';
import type { TeamService } from './team.service';

/** Users, tokens and stored keys live in the database; a gateway started without one cannot serve these routes. */
export function requireIdentity(identity: IdentityService | undefined): IdentityService {
  if (!identity) {
    throw new ApiError(503, 'identity_unavailable', 'users, gateway tokens and stored keys need a database: start the gateway with DATABASE_URL');
  }
  return identity;
}

/** Teams live in the database like users. */
export function requireTeams(teams: TeamService | undefined): TeamService {
  if (!teams) throw new ApiError(503, 'identity_unavailable', 'teams need a database: start the gateway with DATABASE_URL');
  return teams;
}
