import { assertNever, DomainError, type DomainErrorCode, isLockConflict } from '#common';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
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
    default:
      return assertNever(code, 'domain error code');
  }
}

/** Errors from body parsing arrive before Nest's pipes; they carry `type` and `status`. */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const e = error as Partial<BodyParserError>;
  return typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500;
}

function bodyParserMessage(error: BodyParserError): string {
  switch (error.type) {
    case 'entity.too.large':
      return 'request body is larger than 1 MB';
    case 'entity.parse.failed':
      return isBodyCheckMessage(error.message) ? error.message : 'request body is not valid JSON';
    case 'encoding.unsupported':
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

/** Maps every error to {statusCode, error, message}; nothing but an unexpected fault is a 5xx, and no stack leaves. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { statusCode, message, extra } = this.describe(exception);
    if (statusCode >= 500 && statusCode !== 503) this.logger.error(withoutValues(exception));
    if (response.headersSent) return;
    const retryAfter = exception instanceof DomainError ? exception.details.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    response.status(statusCode).json({ ...extra, statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message });
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
    return { statusCode: 500, message: 'internal error' };
  }
}
