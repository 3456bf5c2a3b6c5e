import { Module, type DynamicModule } from '@nestjs/common';
import { KeyAdminController } from './admin/key-admin.controller';
import { AdminTokenGuard } from './auth/admin-token.guard';
import { CallerTokenGuard } from './identity/caller-token.guard';
import { MeController } from './identity/me.controller';
import { MyLimitsController } from './limits/my-limits.controller';
import { UserAdminController } from './identity/user-admin.controller';
import { MyUsageController, UsageAdminController } from './usage/usage.controller';
import { GatewayLifecycle } from './health/gateway-lifecycle';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { GatewayMetrics } from './metrics/gateway.metrics';
import { MetricsController } from './metrics/metrics.controller';
import { GatewayRuntime } from './gateway-runtime';
import { InterceptionsController } from './interceptions/interceptions.controller';
import { KeyPoolsController } from './key-pools/key-pools.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { McpAdminController } from './mcp/mcp-admin.controller';
import { AdminAuditController } from './audit/admin-audit.controller';
import { AdminAuditInterceptor } from './audit/admin-audit.interceptor';

/** Nest hosts the operator surface (health, metrics, admin); the provider routes are plain Fastify routes. */
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
        { provide: GatewayLifecycle, useValue: runtime.lifecycle },
        { provide: Readiness, useValue: runtime.readiness },
        { provide: GatewayMetrics, useValue: runtime.metrics },
        { provide: GatewayRuntime, useValue: runtime },
        AdminTokenGuard,
        CallerTokenGuard,
        AdminAuditInterceptor,
      ],
    };
  }
}
