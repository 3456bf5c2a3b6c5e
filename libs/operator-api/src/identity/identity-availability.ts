import type { GatewayRuntime } from '@tollgate/gateway';
import { ApiError } from './api-error';
import type { IdentityService } from './identity.service';

/** Users, tokens and stored keys live in the database; a gateway started without one cannot serve these routes. */
export function requireIdentity(runtime: GatewayRuntime): IdentityService {
  if (!runtime.identity) {
    throw new ApiError(503, 'identity_unavailable', 'users, gateway tokens and stored keys need a database: start the gateway with DATABASE_URL');
  }
  return runtime.identity;
}
