import { type ArgumentsHost, BadRequestException, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AllExceptionsFilter } from './exception.filter.js';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Per Fastify adapter: the middleware whose headers a refusal by the router still carries. */
const headerMiddleware = new WeakMap<object, Middleware[]>();

/** The middleware (request id, security headers) to run for a request the router refuses before any hook. */
export function setFrameworkErrorHeaders(adapter: object, middleware: Middleware[]): void {
  headerMiddleware.set(adapter, middleware);
}

/** The path segment that does not decode, as express named the route parameter it failed to decode. */
function undecodable(url: string): string {
  const path = url.split('?')[0];
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return path;
}

function asHttpException(error: Error & { code?: string; statusCode?: number }, url: string): unknown {
  if (error.code === 'FST_ERR_BAD_URL') return new BadRequestException(`Failed to decode param '${undecodable(url)}'`);
  if (typeof error.statusCode === 'number' && error.statusCode < 500) {
    return new HttpException(error.message, error.statusCode, { cause: error });
  }
  return error;
}

/**
 * Fastify's `frameworkErrors`: the router refuses a path that does not decode (400) before any hook
 * runs, so neither the api's middleware nor Nest's exception layer sees it, and Fastify would answer
 * in its own shape (`code: FST_ERR_BAD_URL`). This answers it as the api answered it on Express
 * (express's router refused the parameter after the middleware): the request id, the security
 * headers, and the api's error body, in the reader's language.
 */
export function frameworkErrors(adapter: () => object) {
  const filter = new AllExceptionsFilter();
  return (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    for (const middleware of headerMiddleware.get(adapter()) ?? []) {
      try {
        middleware(request.raw, reply.raw, () => undefined);
      } catch {
        // The request is refused either way.
      }
    }
    const host = {
      getType: () => 'http',
      getArgs: () => [request, reply],
      getArgByIndex: (index: number) => [request, reply][index],
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply, getNext: () => undefined }),
    } as unknown as ArgumentsHost;
    filter.catch(asHttpException(error, request.raw.url ?? '/'), host);
  };
}
