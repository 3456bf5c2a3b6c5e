/** One HTTP endpoint the load is sent to: the mock directly, or a provider route of the gateway. */
export interface HttpTarget {
  origin: string;
  path: string;
  headers: Record<string, string>;
}

/** The three upstream flavours a configuration is measured against (each mock runs in its own process). */
export interface TargetSet {
  /** Blocking answers and unpaced streams. */
  fast: HttpTarget;
  /** Streams whose chunks are written one by one, `streaming.chunkDelayMs` apart. */
  paced: HttpTarget;
  /** Long streams for holding many open at once. */
  slow: HttpTarget;
}

export type UpstreamFlavour = keyof TargetSet;
export const UPSTREAM_FLAVOURS: readonly UpstreamFlavour[] = ['fast', 'paced', 'slow'];

const MESSAGES = [{ role: 'user', content: 'Say hello to the benchmark.' }];

/** A small Chat Completions request, as an SDK sends it. */
export const CHAT_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES });

/**
 * A streaming request that already asks for usage, so the gateway forwards it byte for byte (it would add
 * `stream_options.include_usage` otherwise) and the direct call gets exactly the same stream.
 */
export const STREAM_BODY = JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: MESSAGES });

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Calls the mocks directly, with a provider-looking key: the lower bound every gateway number is compared to. */
export function directTargets(mockUrls: Record<UpstreamFlavour, string>): TargetSet {
  const target = (url: string): HttpTarget => ({
    origin: url,
    path: '/openai/v1/chat/completions',
    headers: { ...JSON_HEADERS, authorization: 'Bearer sk-bench-direct-call-000000' },
  });
  return { fast: target(mockUrls.fast), paced: target(mockUrls.paced), slow: target(mockUrls.slow) };
}

/** The gateway's routes for the providers named after the flavours, with a gateway token (centralized keys). */
export function gatewayTargets(gatewayUrl: string, token: string): TargetSet {
  const target = (provider: UpstreamFlavour): HttpTarget => ({
    origin: gatewayUrl,
    path: `/${provider}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${token}` },
  });
  return { fast: target('fast'), paced: target('paced'), slow: target('slow') };
}
