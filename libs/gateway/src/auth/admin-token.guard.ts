import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { TollgateConfig } from '@tollgate/platform';
import { hashToken } from './gateway-token.registry';
import { InjectConfig } from '../tokens';

/** Admin routes accept a configured admin token as `Authorization: Bearer …` or `X-Tollgate-Token`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly adminTokenHashes: Buffer[];

  constructor(@InjectConfig() config: TollgateConfig) {
    this.adminTokenHashes = config.auth.adminTokens.map((token) => Buffer.from(hashToken(token), 'hex'));
  }

  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers;
    const presented = headers['x-tollgate-token'] ?? /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (presented && this.isAdminToken(presented)) return true;
    throw new UnauthorizedException({ error: { type: 'authentication_error', message: 'a valid admin token is required' } });
  }

  private isAdminToken(presented: string): boolean {
    const candidate = Buffer.from(hashToken(presented), 'hex');
    return this.adminTokenHashes.some((expected) => timingSafeEqual(expected, candidate));
  }
}
