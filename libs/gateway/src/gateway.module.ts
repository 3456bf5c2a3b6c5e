import { Module, type DynamicModule } from '@nestjs/common';
import { KeyAdminController } from './admin/key-admin.controller';
import { AdminTokenGuard } from './auth/admin-token.guard';
import { GatewayLifecycle } from './health/gateway-lifecycle';
import { HealthController } from './health/health.controller';
import { ProviderRegistry } from './keys/provider-runtime';
import { GatewayMetrics } from './metrics/gateway.metrics';
import { MetricsController } from './metrics/metrics.controller';
import type { GatewayRuntime } from './gateway-runtime';
import { CONFIG, KEY_STATE_STORE, LOGGER } from './tokens';

/** Nest hosts the operator surface (health, metrics, admin); the provider routes are plain Fastify routes. */
@Module({})
export class GatewayModule {
  static forRoot(runtime: GatewayRuntime): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController, MetricsController, KeyAdminController],
      providers: [
        { provide: CONFIG, useValue: runtime.config },
        { provide: LOGGER, useValue: runtime.logger },
        { provide: KEY_STATE_STORE, useValue: runtime.keyStateStore },
        { provide: GatewayLifecycle, useValue: runtime.lifecycle },
        { provide: GatewayMetrics, useValue: runtime.metrics },
        { provide: ProviderRegistry, useValue: runtime.providers },
        AdminTokenGuard,
      ],
    };
  }
}
