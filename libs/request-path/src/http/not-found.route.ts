import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';

/**
 * Every path that is neither a provider's (served ahead of Fastify) nor one of Nest's routes: 404 in the OpenAI
 * shape, whatever the body (it is not parsed).
 */
export function registerNotFoundRoute(fastify: FastifyInstance): void {
  fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => {
      payload.resume();
      payload.once('end', () => done(null));
    });
    scope.all('/*', (request, reply) => {
      reply.hijack();
      const path = (request.raw.url ?? '/').split('?')[0];
      writeGatewayError(reply.raw, 'openai', new GatewayError('not_found', `route not supported: ${request.method} ${path}`));
    });
  });
}
