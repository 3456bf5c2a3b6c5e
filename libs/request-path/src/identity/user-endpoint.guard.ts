import type { Dispatcher } from 'undici';

/** A user endpoint that passed the SSRF guard, with a dispatcher pinned to the address that was checked. */
export type PinnedEndpoint = { ok: true; url: URL; dispatcher: Dispatcher } | { ok: false; reason: string };

/** Checks a user-supplied base URL (static rules, then every resolved address) and pins the connection. */
export type EndpointGuard = (baseUrl: string) => Promise<PinnedEndpoint>;
