import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GatewayRuntime } from '../gateway-runtime';
import type { GatewayPrincipal } from '../auth/gateway-token.registry';
import { ApiError } from './api-error';

export interface CallerRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: GatewayPrincipal;
}

/** `/v1/me…` routes: a gateway token (X-Tollgate-Token or `Authorization: Bearer tg_…`) names the caller. */
@Injectable()
export class CallerTokenGuard implements CanActivate {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<CallerRequest>();
    const token = callerTokenOf(request.headers);
    const caller = token ? this.runtime.resolveCaller(token) : undefined;
    if (!caller) throw new ApiError(401, 'authentication_error', token ? 'invalid or revoked gateway token' : 'a gateway token (tg_…) is required');
    request.caller = caller;
    return true;
  }
}

/** The gateway token a `/v1/me…` request presents, if any. */
export function callerTokenOf(headers: CallerRequest['headers']): string | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return header('x-tollgate-token')?.trim() ?? /^\s*bearer\s+(tg_\S+)\s*$/i.exec(header('authorization') ?? '')?.[1];
}
