import { resolveCallerAccess, type CallerAccess } from '@tollgate/limits';
import type { LiveConfiguration } from '../configuration/live-configuration';
import type { GatewayPrincipal } from './gateway-token.registry';

/** The limits and model policies a caller's requests are held to (docs/limits.md), from the running configuration. */
export class CallerAccessPolicy {
  constructor(private readonly live: LiveConfiguration) {}

  /** No I/O: read per request, so it follows configuration reloads. */
  accessOf(principal: GatewayPrincipal): CallerAccess {
    const config = this.live.config;
    return resolveCallerAccess({ userId: principal.userId, deploymentLimits: config.limits.default, deploymentModels: config.models });
  }
}
