import {
  assertNever,
  DomainError,
  type DomainErrorCode,
  isDatabaseUnavailable,
  isLockConflict,
  type Language,
  preferredLanguage,
  speak,
} from '#common';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isBodyCheckMessage } from './json-reviver.js';

export function statusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'ValidationFailed':
      return HttpStatus.BAD_REQUEST;
    case 'InvalidCredentials':
      return HttpStatus.UNAUTHORIZED;
    case 'Forbidden':
      return HttpStatus.FORBIDDEN;
    case 'NotFound':
      return HttpStatus.NOT_FOUND;
    case 'AlreadyExists':
    case 'IllegalTransition':
    case 'VersionConflict':
      return HttpStatus.CONFLICT;
    case 'IdempotencyKeyReused':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'Throttled':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'TooLarge':
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case 'UnsupportedType':
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    default:
      return assertNever(code, 'domain error code');
  }
}

/** Errors from body parsing arrive before Nest's pipes; they carry `type` and `status`. */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
  /** The text that did not parse (body-parser keeps it). */
  body?: unknown;
  /** The Content-Encoding or charset that was refused. */
  encoding?: unknown;
  charset?: unknown;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const e = error as Partial<BodyParserError>;
  return typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500;
}

/** A gzip, deflate or br body that does not inflate ("incorrect header check"). */
const isZlibError = (error: unknown) =>
  /^(Z_|ERR_BROTLI|ERR__ERROR_)/.test(String((error as { code?: unknown })?.code));

/** JSON text whose first character does not open an object (body-parser's strict mode refuses a string or a number). */
const notObject = (body: unknown) => typeof body === 'string' && /^[\s]*[^\s{]/.test(body);

export function bodyParserMessage(error: BodyParserError): string {
  switch (error.type) {
    case 'entity.too.large':
      return 'request body is larger than 1 MB';
    case 'entity.parse.failed':
      if (isBodyCheckMessage(error.message)) return error.message;
      if (notObject(error.body)) return 'request body must be a JSON object';
      return `request body is not valid JSON: ${error.message}`;
    case 'encoding.unsupported':
      return `Content-Encoding ${String(error.encoding)} is not supported: send the body uncompressed, or as gzip, deflate or br`;
    case 'charset.unsupported':
      return 'request body must be UTF-8';
    default:
      return error.message;
  }
}

/**
 * What of an unexpected error may be logged: its name, code, message, stack and the SQL text, but
 * not a failed query's parameters (a password hash, a company's filing) nor the driver's copy of them.
 */
export function withoutValues(exception: unknown): unknown {
  if (!(exception instanceof Error)) return { name: 'NonError', type: typeof exception };
  const { name, message, stack } = exception;
  const e = exception as Error & { code?: unknown; query?: unknown };
  return {
    name,
    message,
    stack,
    ...(e.code === undefined ? {} : { code: e.code }),
    ...(typeof e.query === 'string' ? { query: e.query } : {}),
  };
}

/** The language of an error's message: `?lang=` when it names one, else Accept-Language, else Chinese. */
function readerLanguage(request: FastifyRequest | undefined): Language {
  const lang = (request?.query as Record<string, unknown> | undefined)?.lang;
  return preferredLanguage(typeof lang === 'string' ? lang : undefined, request?.headers?.['accept-language']);
}

/** What a 503 of an unreachable database asks the client to wait (Retry-After). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Maps every error to {statusCode, error, message}; nothing but an unexpected fault is a 5xx, and no stack leaves. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<FastifyReply>();
    const { statusCode, message: english, extra } = this.describe(exception);
    const unavailable = statusCode === 503 && isDatabaseUnavailable(exception);
    // Written in English by the code (and logged so); said in the reader's language.
    const language = readerLanguage(http.getRequest<FastifyRequest | undefined>());
    const message = Array.isArray(english) ? english.map((m) => speak(m, language)) : speak(english, language);
    if (statusCode >= 500 && statusCode !== 503) this.logger.error(withoutValues(exception));
    else if (unavailable) this.logger.warn(withoutValues(exception));
    if (response.sent || response.raw.headersSent) return;
    const retryAfter =
      exception instanceof DomainError
        ? exception.details.retryAfterSeconds
        : unavailable
          ? DATABASE_RETRY_AFTER_SECONDS
          : undefined;
    if (typeof retryAfter === 'number') response.header('Retry-After', String(retryAfter));
    response.header('Content-Language', language);
    // Sent as JSON even when a route had set another type before failing (a download's, a report's):
    // Fastify sends an object only as JSON.
    const type = response.getHeader?.('content-type');
    if (type !== undefined && !/\bjson\b/i.test(String(type))) {
      response.header('Content-Type', 'application/json; charset=utf-8');
    }
    response.code(statusCode).send({ ...extra, statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message });
  }

  private describe(exception: unknown): { statusCode: number; message: string | string[]; extra?: object } {
    if (exception instanceof DomainError) {
      const state = exception.details.state;
      return {
        statusCode: statusOf(exception.code),
        message: exception.messages.length > 1 ? exception.messages : exception.message,
        // A 409 of the state table carries the current state for clients to read.
        extra: typeof state === 'string' ? { state } : undefined,
      };
    }
    if (exception instanceof HttpException) {
      // Nest turns body-parser's errors into HttpExceptions carrying JSON.parse's or body-parser's own
      // words ("Unexpected token '"', ""x"" is not valid JSON" for a body that is valid JSON but a string).
      if (isBodyParserError(exception.cause)) {
        return { statusCode: exception.getStatus(), message: bodyParserMessage(exception.cause) };
      }
      if (isZlibError(exception.cause)) {
        return {
          statusCode: exception.getStatus(),
          message: 'request body does not decompress as its Content-Encoding says',
        };
      }
      const body = exception.getResponse();
      if (typeof body === 'string') return { statusCode: exception.getStatus(), message: body };
      const { message, ...extra } = body as { message?: string | string[] };
      return { statusCode: exception.getStatus(), message: message ?? exception.message, extra };
    }
    if (isBodyParserError(exception)) return { statusCode: exception.status, message: bodyParserMessage(exception) };
    // MySQL gave up waiting for a lock, or kept losing deadlocks, after the domain's own retries.
    if (isLockConflict(exception)) {
      return { statusCode: 503, message: 'the service is busy with this record; try again in a moment' };
    }
    // MySQL is down, restarting or out of connections: nothing half done (a transaction commits whole
    // or not at all), and the pool connects again by itself once it is back.
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, message: 'the database is unavailable; try again in a moment' };
    }
    return { statusCode: 500, message: 'internal error' };
  }
}
