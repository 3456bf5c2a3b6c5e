import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { GatewayRuntime } from '../gateway-runtime';
import { hashGatewayToken } from '@tollgate/byok';

/** Admin routes accept a configured admin token as `Authorization: Bearer …` or `X-Tollgate-Token`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers;
    const presented = headers['x-tollgate-token'] ?? /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (presented && this.isAdminToken(presented)) return true;
    throw new UnauthorizedException({ error: { type: 'authentication_error', message: 'a valid admin token is required' } });
  }

  private isAdminToken(presented: string): boolean {
    // Read per call: admin tokens follow configuration reloads.
    const candidate = Buffer.from(hashGatewayToken(presented), 'hex');
    return this.runtime.config.auth.adminTokens.some((token) => timingSafeEqual(Buffer.from(hashGatewayToken(token), 'hex'), candidate));
  }
}
