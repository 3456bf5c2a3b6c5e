import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { presentsAdminToken } from '@tollgate/request-path';

/** Admin routes accept a configured admin token as `Authorization: Bearer …` or `X-Tollgate-Token`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>().headers;
    // Read per call: admin tokens follow configuration reloads.
    if (presentsAdminToken(headers, this.runtime.config.auth.adminTokens)) return true;
    throw new UnauthorizedException({ error: { type: 'authentication_error', message: 'a valid admin token is required' } });
  }
}
