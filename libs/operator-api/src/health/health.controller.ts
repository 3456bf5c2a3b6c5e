import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { InjectReadiness } from '../operator-api.tokens';

/** The replica's readiness as `/readyz` answers it (the composition root's `Readiness`). */
export interface ReadinessCheck {
  report(): Promise<{ ready: boolean; body: unknown }>;
}

@Controller()
export class HealthController {
  constructor(@InjectReadiness() private readonly readiness: ReadinessCheck) {}

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
