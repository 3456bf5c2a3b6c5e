import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hint } from '@tollgate/keypool';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mergeMap, type Observable } from 'rxjs';
import { presentedToken } from '@tollgate/request-path';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { AUDITED_ROUTE, type AuditedRoute } from './audited-route';

/** A caller's `X-Request-Id` is kept when it is a plain id; anything else is replaced, never stored as sent. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Writes the audit entry of an `@Audited` admin route once its handler succeeded (a refused or failed call changes
 * nothing, so it writes nothing), and answers the request id in `X-Request-Id`.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(
    @InjectGatewayRuntime() private readonly runtime: GatewayRuntime,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED_ROUTE, context.getHandler());
    if (!route) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const sent = request.headers['x-request-id'];
    const requestId = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    void http.getResponse<FastifyReply>().header('x-request-id', requestId);
    const actor = `admin ${hint(presentedToken(request.headers) ?? '')}`;
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        const call = { params: (request.params ?? {}) as Record<string, string>, body: request.body, result: result as never };
        await this.runtime.adminAudit.record({ actor, action: route.action, requestId, ...route.describe(call) });
        return result;
      }),
    );
  }
}
