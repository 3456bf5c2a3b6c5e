import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { GatewayRuntime } from '../gateway-runtime';
import { hashGatewayToken } from '@tollgate/byok';

type RequestHeaders = Record<string, string | string[] | undefined>;

/** The token a request presents: `X-Tollgate-Token`, else `Authorization: Bearer …`. */
export function presentedToken(headers: RequestHeaders): string | undefined {
  const header = headers['x-tollgate-token'];
  if (typeof header === 'string') return header;
  if (Array.isArray(header)) return header[0];
  const authorization = headers.authorization;
  return typeof authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(authorization)?.[1] : undefined;
}

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
  const presented = presentedToken(headers);
  if (!presented) return false;
  const candidate = Buffer.from(hashGatewayToken(presented), 'hex');
  return adminTokens.some((token) => timingSafeEqual(Buffer.from(hashGatewayToken(token), 'hex'), candidate));
}
