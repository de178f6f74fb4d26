import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** A body follows the headers: a non-zero Content-Length, or chunks of unknown length. */
function carriesBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * The api reads JSON bodies only (API.md). Without this a form-encoded, XML or text body was read
 * as no body at all and answered with a list of missing fields, which says nothing of the real
 * fault; now it is a 415 naming the content type to send.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (carriesBody(req) && !req.is('application/json')) {
    const type = req.headers['content-type'];
    next(
      new UnsupportedMediaTypeException(
        `request body must be JSON sent with Content-Type: application/json${type ? `, not ${type.slice(0, 100)}` : ''}`,
      ),
    );
    return;
  }
  next();
}
