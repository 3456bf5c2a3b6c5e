import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Readiness } from '@tollgate/gateway';
import { InjectReadiness } from '../composition.tokens';

@Controller()
export class HealthController {
  constructor(@InjectReadiness() private readonly readiness: Readiness) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when this replica should get traffic, else 503; the body names each check (see `Readiness`). */
  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const { ready, body } = await this.readiness.report();
    reply.code(ready ? 200 : 503).send(body);
  }
}
