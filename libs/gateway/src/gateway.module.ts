import { Module, type DynamicModule, type InjectionToken, type Provider } from '@nestjs/common';
import {
  AdminAuditController,
  AdminAuditInterceptor,
  AdminAuditTrail,
  AdminTokenGuard,
  CallerTokenGuard,
  GATEWAY_CLOCK,
  HealthController,
  IdentityService,
  INTERCEPTION_STORE,
  InterceptionsController,
  KeyAdminController,
  KeyPoolsController,
  McpAdminController,
  MeController,
  MetricsController,
  MyLimitsController,
  MyUsageController,
  OpenApiController,
  READINESS,
  TeamAdminController,
  TeamService,
  USAGE_STORE,
  UsageAdminController,
  UsageReport,
  UserAdminController,
} from '@tollgate/operator-api';
import { CallerAccessPolicy, CallerResolver, GatewayMetrics, LimitGuard, LiveConfiguration, McpToolCatalogue } from '@tollgate/request-path';
import type { GatewayRuntime } from './gateway-runtime';

/**
 * Nest hosts the operator surface (health, metrics, admin, self-service); the provider routes are plain Node routes.
 * Each controller and guard gets the services it reads from the runtime's composition, one provider each.
 */
@Module({})
export class GatewayModule {
  static forRoot(runtime: GatewayRuntime): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        HealthController,
        MetricsController,
        KeyAdminController,
        UserAdminController,
        TeamAdminController,
        MeController,
        MyLimitsController,
        UsageAdminController,
        MyUsageController,
        KeyPoolsController,
        InterceptionsController,
        OpenApiController,
        McpAdminController,
        AdminAuditController,
      ],
      providers: [
        { provide: READINESS, useValue: runtime.readiness },
        { provide: GATEWAY_CLOCK, useValue: runtime.clock },
        { provide: GatewayMetrics, useValue: runtime.metrics },
        { provide: LiveConfiguration, useValue: runtime.live },
        { provide: CallerResolver, useValue: runtime.callers },
        { provide: CallerAccessPolicy, useValue: runtime.access },
        { provide: LimitGuard, useValue: runtime.limits },
        { provide: McpToolCatalogue, useValue: runtime.mcpTools },
        { provide: AdminAuditTrail, useValue: runtime.adminAudit },
        // Without a database these are not provided: their consumers answer 503.
        ...optionalValue(IdentityService, runtime.identity),
        ...optionalValue(TeamService, runtime.teams),
        ...optionalValue(USAGE_STORE, runtime.usageStore),
        ...optionalValue(INTERCEPTION_STORE, runtime.interceptionStore),
        UsageReport,
        AdminTokenGuard,
        CallerTokenGuard,
        AdminAuditInterceptor,
      ],
    };
  }
}

function optionalValue(token: InjectionToken, value: unknown): Provider[] {
  return value === undefined ? [] : [{ provide: token, useValue: value }];
}
