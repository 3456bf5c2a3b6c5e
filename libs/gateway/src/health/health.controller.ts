import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { KeyStateStore } from '@tollgate/keypool';
import { InjectKeyStateStore } from '../tokens';
import { GatewayLifecycle } from './gateway-lifecycle';

@Controller()
export class HealthController {
  constructor(
    @Inject(GatewayLifecycle) private readonly lifecycle: GatewayLifecycle,
    @InjectKeyStateStore() private readonly keyStateStore: KeyStateStore,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 503 before start and while draining. A lost Redis connection is reported as `degraded` but keeps the replica
   * ready: key state is then served from the local view, which beats taking every replica out of rotation.
   */
  @Get('readyz')
  readyz(@Res() reply: FastifyReply): void {
    const store = this.keyStateStore.health();
    const keyState = !store.shared ? 'memory' : store.connected ? 'ok' : 'degraded';
    const status = this.lifecycle.isDraining ? 'draining' : this.lifecycle.acceptsTraffic ? 'ready' : 'starting';
    reply.code(status === 'ready' ? 200 : 503).send({ status, checks: { config: 'ok', keyState, keyStateDetail: store.detail } });
  }
}
