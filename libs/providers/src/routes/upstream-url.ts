import type { ProviderType } from '../provider-type';

export const DEFAULT_BASE_URLS: Readonly<Record<ProviderType, string>> = {
  openai: 'https://api.openai.com/v1/',
  anthropic: 'https://api.anthropic.com/',
};

export function defaultBaseUrl(type: ProviderType): string {
  return DEFAULT_BASE_URLS[type];
}

/**
 * `baseUrl` + `upstreamPath`, keeping the base URL's own path. The query is the base URL's own query (if any)
 * followed by the request's `search` (with or without its leading `?`). A fragment on the base URL is dropped.
 */
export function upstreamUrl(baseUrl: string, upstreamPath: string, search = ''): string {
  const fragmentAt = baseUrl.indexOf('#');
  const base = fragmentAt === -1 ? baseUrl : baseUrl.slice(0, fragmentAt);
  const queryAt = base.indexOf('?');
  const basePath = (queryAt === -1 ? base : base.slice(0, queryAt)).replace(/\/+$/, '');
  const baseQuery = queryAt === -1 ? '' : base.slice(queryAt + 1);
  const requestQuery = search.startsWith('?') ? search.slice(1) : search;
  const query = baseQuery && requestQuery ? `${baseQuery}&${requestQuery}` : baseQuery || requestQuery;
  const path = upstreamPath.startsWith('/') ? upstreamPath : `/${upstreamPath}`;
  return query ? `${basePath}${path}?${query}` : `${basePath}${path}`;
}
