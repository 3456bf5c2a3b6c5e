import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import { ConsoleAssets, type ConsoleAsset } from './console-assets';

/** The console talks to this origin only; nothing inline, nothing from elsewhere. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const NOT_BUILT_PAGE = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tollgate console not built</title></head>
<body>
<h1>The Tollgate console is not built</h1>
<p>The gateway serves the console from <code>${escapeHtml(dir)}</code>, which holds no <code>index.html</code>.</p>
<p>Build it with <code>node tools/build.mjs console</code> (<code>npm start</code> and <code>npm run build</code> do this too),
or point <code>console.assetsDir</code> in the configuration at a built console, then restart the gateway.</p>
</body></html>
`;

/**
 * Serves the built console under /console: plain Fastify GET routes beside (never inside) the provider surface,
 * from files read once at start.
 */
export function registerConsoleRoutes(fastify: FastifyInstance, settings: TollgateConfig['console'], logger: Logger): void {
  if (!settings.enabled) return;
  const assets = ConsoleAssets.load(settings.assetsDir);
  if (assets) {
    const { files, bytes } = assets.size();
    logger.info({ dir: assets.dir, files, bytes }, 'console served under /console');
  } else {
    logger.warn({ dir: settings.assetsDir }, 'console not built: /console explains how to build it (node tools/build.mjs console)');
  }

  fastify.get('/console', (_request, reply) => reply.redirect('/console/', 308));
  fastify.get('/console/*', (request, reply) => {
    if (!assets) {
      return reply.status(503).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE(settings.assetsDir));
    }
    const path = (request.params as { '*': string })['*'];
    const asset = assets.resolve(`/${path}`);
    if (!asset) return reply.status(404).headers(SECURITY_HEADERS).type('text/plain; charset=utf-8').send(`no console file /console/${path}`);
    return sendAsset(request, reply, asset);
  });
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset): FastifyReply {
  reply
    .headers(SECURITY_HEADERS)
    .header('etag', asset.etag)
    .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('vary', 'accept-encoding')
    .type(asset.contentType);
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  if (asset.gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
