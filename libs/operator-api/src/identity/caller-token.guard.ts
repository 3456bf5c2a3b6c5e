import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { GatewayRuntime } from '@tollgate/gateway';
import { InjectGatewayRuntime } from '../composition.tokens';
import { callerTokenOf, type GatewayPrincipal } from '@tollgate/request-path';
import { ApiError } from './api-error';

export interface CallerRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: GatewayPrincipal;
}

/** `/v1/me…` routes: a gateway token (X-Tollgate-Token or `Authorization: Bearer tg_…`) names the caller. */
@Injectable()
export class CallerTokenGuard implements CanActivate {
  constructor(@InjectGatewayRuntime() private readonly runtime: GatewayRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<CallerRequest>();
    const token = callerTokenOf(request.headers);
    const caller = token ? this.runtime.resolveCaller(token) : undefined;
    if (!caller) throw new ApiError(401, 'authentication_error', token ? 'invalid or revoked gateway token' : 'a gateway token (tg_…) is required');
    request.caller = caller;
    return true;
  }
}
