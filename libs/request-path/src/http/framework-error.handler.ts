import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error';
import { writeGatewayError } from '../errors/error-response';

/**
 * Errors Fastify raises before routing (a URL that does not decode, e.g. `%ff`; a parameter past its length):
 * 400 in the OpenAI shape, like every unrouted answer, instead of Fastify's own body.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const message = error.code === 'FST_ERR_BAD_URL' ? 'request URL is not valid' : 'request could not be routed';
  writeGatewayError(reply.raw, 'openai', new GatewayError('bad_request', `${message}: ${request.method}`));
}
