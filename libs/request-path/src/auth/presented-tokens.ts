import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
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

/** Whether the request carries one of `adminTokens` (compared as hashes, in constant time). */
export function presentsAdminToken(headers: IncomingHttpHeaders, adminTokens: readonly string[]): boolean {
  const presented = presentedToken(headers);
  if (!presented) return false;
  const candidate = Buffer.from(hashGatewayToken(presented), 'hex');
  return adminTokens.some((token) => timingSafeEqual(Buffer.from(hashGatewayToken(token), 'hex'), candidate));
}

/** The gateway token a `/v1/me…` request presents, if any. */
export function callerTokenOf(headers: RequestHeaders): string | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return header('x-tollgate-token')?.trim() ?? /^\s*bearer\s+(tg_\S+)\s*$/i.exec(header('authorization') ?? '')?.[1];
}
