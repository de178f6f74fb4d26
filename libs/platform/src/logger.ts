import type { AppConfig } from '#config';
import { requestContext } from '#common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

/** What pino-http hands a request serializer. */
interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
  remoteAddress?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.accessToken',
  '*.token',
  'password',
  'accessToken',
];

/**
 * JSON logs, one request id per request (taken from X-Request-Id when a proxy set one, and echoed
 * back), also on the lines of the jobs the request's change caused.
 */
export function loggerParams(config: Pick<AppConfig, 'logLevel' | 'nodeEnv'>): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // The id the api's first middleware gave the request (withRequestId), or the work under way's.
      genReqId: (req: IncomingMessage & { id?: unknown }, res: ServerResponse) => {
        const id = typeof req.id === 'string' ? req.id : (requestContext.id() ?? 'none');
        if (!res.hasHeader('X-Request-Id')) res.setHeader('X-Request-Id', id);
        return id;
      },
      // Every line logged while a request's work is under way (in the api, or a job of the worker that
      // the request's change caused) carries its id.
      mixin: () => {
        const requestId = requestContext.id();
        return requestId ? { requestId } : {};
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Probes and scrapes come every few seconds from machines: their lines would bury the people's.
      // The path as requested: on Fastify, middie hands a middleware mounted on a path `req.url` without it.
      autoLogging: {
        ignore: (req) =>
          ['/health', '/health/ready', '/metrics'].includes(
            (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '',
          ),
      },
      // A request line says who asked what and how it ended; headers stay out of the logs (they carry
      // credentials, and serialising and redacting them on every request cost 8% of the api's CPU).
      serializers: {
        req: (req: SerializedRequest) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
