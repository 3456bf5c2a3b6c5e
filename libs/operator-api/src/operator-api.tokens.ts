import { Inject, Optional, type InjectionToken } from '@nestjs/common';
import { IdentityService } from './identity/identity.service';
import { TeamService } from './identity/team.service';

/**
 * Nest tokens for what the composition root (`@tollgate/gateway`) provides to the operator API and that has no class
 * of its own to serve as the token. Classes (LiveConfiguration, CallerResolver, GatewayMetrics, McpToolCatalogue,
 * AdminAuditTrail, IdentityService, TeamService) are their own tokens.
 */
export const READINESS = Symbol('Readiness');
export const GATEWAY_CLOCK = Symbol('GatewayClock');
export const USAGE_STORE = Symbol('UsageStore');
export const INTERCEPTION_STORE = Symbol('InterceptionStore');

export const InjectReadiness = (): ParameterDecorator => Inject(READINESS);
export const InjectGatewayClock = (): ParameterDecorator => Inject(GATEWAY_CLOCK);
/** The usage store, or undefined when the gateway has no recording database. */
export const InjectUsageStore = (): ParameterDecorator => optional(USAGE_STORE);
/** The interception store, or undefined when the gateway has no recording database. */
export const InjectInterceptionStore = (): ParameterDecorator => optional(INTERCEPTION_STORE);
/** The identity service, or undefined when the gateway has no identity database. */
export const InjectIdentityService = (): ParameterDecorator => optional(IdentityService);
/** The team service, or undefined when the gateway has no identity database. */
export const InjectTeamService = (): ParameterDecorator => optional(TeamService);

function optional(token: InjectionToken): ParameterDecorator {
  return (target, key, index) => {
    Optional()(target, key, index);
    Inject(token)(target, key, index);
  };
}
