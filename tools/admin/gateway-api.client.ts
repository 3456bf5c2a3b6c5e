/** An error answer of the gateway: `{"error":{"type","message"}}` with its status. */
export class GatewayApiError extends Error {
  override readonly name = 'GatewayApiError';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** No answer at all: connection refused, DNS, TLS, timeout. */
export class GatewayUnreachableError extends Error {
  override readonly name = 'GatewayUnreachableError';
}

export type Query = Record<string, string | number | undefined>;

export interface GatewayClient {
  /** The parsed JSON answer (undefined for 204); throws GatewayApiError or GatewayUnreachableError. */
  request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options?: { body?: unknown; query?: Query }): Promise<T>;
}

export interface GatewayClientOptions {
  baseUrl: string;
  token: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_QUOTED_BODY = 200;

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async request<T>(method: string, path: string, { body, query }: { body?: unknown; query?: Query } = {}): Promise<T> {
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${options.token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await options.fetch(`${base}${path}${queryString(query)}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          // A redirect would carry the token somewhere else: report it instead of following it.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw unreachable(base, timeoutMs, error);
      }
      const text = await response.text();
      if (response.status >= 300) throw apiError(response, text);
      if (response.status === 204 || text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new GatewayApiError(response.status, 'invalid_response', `expected JSON from ${method} ${path}, got: ${quote(text)}`);
      }
    },
  };
}

function queryString(query: Query | undefined): string {
  const entries = Object.entries(query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([name, value]): [string, string] => [name, String(value)]))}`;
}

function apiError(response: Response, text: string): GatewayApiError {
  if (response.status < 400) {
    const location = response.headers.get('location');
    return new GatewayApiError(response.status, 'redirect', `the gateway redirected${location ? ` to ${location}` : ''}; not followed (check --url)`);
  }
  try {
    const { error } = JSON.parse(text) as { error?: { type?: unknown; message?: unknown } };
    if (typeof error?.type === 'string' && typeof error.message === 'string') return new GatewayApiError(response.status, error.type, error.message);
  } catch {
    // Not the API's error shape (a proxy's HTML page, say): quoted below.
  }
  return new GatewayApiError(response.status, `http_${response.status}`, text.trim() ? quote(text) : response.statusText || 'no body');
}

function unreachable(base: string, timeoutMs: number, error: unknown): GatewayUnreachableError {
  if ((error as Error | undefined)?.name === 'TimeoutError') return new GatewayUnreachableError(`no answer from ${base} within ${timeoutMs / 1000} s`);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (error as Error).message;
  return new GatewayUnreachableError(`cannot reach ${base}: ${detail}`);
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTED_BODY ? `${flat.slice(0, MAX_QUOTED_BODY)}…` : flat;
}
