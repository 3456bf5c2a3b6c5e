import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './gateway-api';

export type Schemas = components['schemas'];
export type GatewayClient = Client<paths>;

/** A failed API call, with what the gateway said (`{"error":{"type","message"}}`) or why there was no answer. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** A client typed by the gateway's OpenAPI document, sending `token` on every call. */
export function createGatewayClient(token: string, onUnauthorized: () => void): GatewayClient {
  const client = createClient<paths>({ baseUrl: window.location.origin, headers: { authorization: `Bearer ${token}` } });
  client.use({
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return undefined;
    },
  });
  return client;
}

interface Answer<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer; otherwise an ApiFailure carrying the gateway's own message. */
export async function unwrap<Data>(call: Promise<Answer<Data>>): Promise<Data> {
  let answer: Answer<Data>;
  try {
    answer = await call;
  } catch {
    throw new ApiFailure(0, 'network', 'The gateway did not answer. Check that it is running and reachable, then retry.');
  }
  if (answer.response.ok) return answer.data as Data;
  const body = answer.error as { error?: { type?: string; message?: string } } | undefined;
  throw new ApiFailure(answer.response.status, body?.error?.type ?? 'http_error', body?.error?.message ?? `The gateway answered ${answer.response.status}.`);
}

/** Every user, following the pages (200 a page, at most `maxPages`). */
export async function listAllUsers(api: GatewayClient, maxPages = 25): Promise<Schemas['User'][]> {
  const users: Schemas['User'][] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await unwrap(api.GET('/admin/v1/users', { params: { query: { limit: 200, ...(after && { after }) } } }));
    users.push(...answer.items);
    if (!answer.next) break;
    after = answer.next;
  }
  return users;
}
