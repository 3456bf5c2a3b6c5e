import { describeProvider, PROVIDER_DESCRIPTIONS, type ProviderRef } from '../description/provider-descriptions';
import type { ProviderType } from '../provider-type';

export const DEFAULT_BASE_URLS: Readonly<Record<ProviderType, string>> = {
  openai: PROVIDER_DESCRIPTIONS.openai.defaultBaseUrl,
  anthropic: PROVIDER_DESCRIPTIONS.anthropic.defaultBaseUrl,
  gemini: PROVIDER_DESCRIPTIONS.gemini.defaultBaseUrl,
};

export function defaultBaseUrl(provider: ProviderRef): string {
  return describeProvider(provider).defaultBaseUrl;
}

/** A provider's base URL taken apart once, so that each request's upstream target is a couple of string joins. */
export interface UpstreamBase {
  origin: string;
  /** The base URL's path without trailing slashes (`/v1`, or empty). */
  path: string;
  /** The base URL's own query, without `?` (empty if none). */
  query: string;
}

export function parseUpstreamBase(baseUrl: string): UpstreamBase {
  const url = new URL(baseUrl);
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, ''), query: url.search.slice(1) };
}

/**
 * The path and query of a request to `base`: the base path, then `upstreamPath`; the base URL's own query (if any),
 * then the request's `search` (with or without its leading `?`).
 */
export function upstreamPathAndQuery(base: UpstreamBase, upstreamPath: string, search = ''): string {
  const requestQuery = search.startsWith('?') ? search.slice(1) : search;
  const query = base.query && requestQuery ? `${base.query}&${requestQuery}` : base.query || requestQuery;
  const path = upstreamPath.startsWith('/') ? upstreamPath : `/${upstreamPath}`;
  return query ? `${base.path}${path}?${query}` : `${base.path}${path}`;
}

/** `baseUrl` + `upstreamPath` (+ `search`), keeping the base URL's own path and query; a fragment is dropped. */
export function upstreamUrl(baseUrl: string, upstreamPath: string, search = ''): string {
  const base = parseUpstreamBase(baseUrl);
  return `${base.origin}${upstreamPathAndQuery(base, upstreamPath, search)}`;
}
