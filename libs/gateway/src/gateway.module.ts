import { Module, type DynamicModule } from '@nestjs/common';
import { KeyAdminController } from '@tollgate/operator-api';
import { AdminTokenGuard } from '@tollgate/operator-api';
import { CallerTokenGuard } from '@tollgate/operator-api';
import { MeController } from '@tollgate/operator-api';
import { MyLimitsController } from '@tollgate/operator-api';
import { UserAdminController } from '@tollgate/operator-api';
import { TeamAdminController } from '@tollgate/operator-api';
import { MyUsageController, UsageAdminController } from '@tollgate/operator-api';
import { GatewayLifecycle } from './health/gateway-lifecycle';
import { HealthController } from '@tollgate/operator-api';
import { Readiness } from './health/readiness';
import { GatewayMetrics } from '@tollgate/request-path';
import { MetricsController } from '@tollgate/operator-api';
import { GatewayRuntime } from './gateway-runtime';
import { InterceptionsController } from '@tollgate/operator-api';
import { KeyPoolsController } from '@tollgate/operator-api';
import { OpenApiController } from '@tollgate/operator-api';
import { McpAdminController } from '@tollgate/operator-api';
import { AdminAuditController } from '@tollgate/operator-api';
import { AdminAuditInterceptor } from '@tollgate/operator-api';
import { GATEWAY_RUNTIME, READINESS } from '@tollgate/operator-api';

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
        { provide: GatewayLifecycle, useValue: runtime.lifecycle },
        { provide: Readiness, useValue: runtime.readiness },
        { provide: GatewayMetrics, useValue: runtime.metrics },
        { provide: GATEWAY_RUNTIME, useValue: runtime },
        { provide: READINESS, useValue: runtime.readiness },
        AdminTokenGuard,
        CallerTokenGuard,
        AdminAuditInterceptor,
      ],
    };
  }
}
