import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { GatewayRuntime } from '../gateway-runtime';
import { hashGatewayToken } from '@tollgate/byok';

/** Admin routes accept a configured admin token as `Authorization: Bearer …` or `X-Tollgate-Token`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>().headers;
    // Read per call: admin tokens follow configuration reloads.
    if (presentsAdminToken(headers, this.runtime.config.auth.adminTokens)) return true;
    throw new UnauthorizedException({ error: { type: 'authentication_error', message: 'a valid admin token is required' } });
  }
}

/** Whether the request carries one of `adminTokens` (compared as hashes, in constant time). */
export function presentsAdminToken(headers: IncomingHttpHeaders, adminTokens: readonly string[]): boolean {
  const tokenHeader = headers['x-tollgate-token'];
  const presented = (Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader) ?? /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  if (!presented) return false;
  const candidate = Buffer.from(hashGatewayToken(presented), 'hex');
  return adminTokens.some((token) => timingSafeEqual(Buffer.from(hashGatewayToken(token), 'hex'), candidate));
}
