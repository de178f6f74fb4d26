import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** A body follows the headers: a non-zero Content-Length, or chunks of unknown length. */
function carriesBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

export const UPLOAD_PATH = '/api/v1/files';

/**
 * The api reads JSON bodies only (docs/api.md). Without this a form-encoded, XML or text body was read
 * as no body at all and answered with a list of missing fields, which says nothing of the real
 * fault; now it is a 415 naming the content type to send.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  // The one route that takes bytes: an upload (POST /files) reads multipart/form-data itself.
  if (req.method === 'POST' && req.path === UPLOAD_PATH) {
    if (carriesBody(req) && !req.is('multipart/form-data')) {
      next(
        new UnsupportedMediaTypeException(
          'an upload must be sent as multipart/form-data, its file in a part named file',
        ),
      );
      return;
    }
    // The bytes are hashed and typed as they come: a compressed body would be stored as its compression.
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      next(
        new UnsupportedMediaTypeException(
          `an upload is sent uncompressed, without Content-Encoding ${encoding.slice(0, 40)}`,
        ),
      );
      return;
    }
    next();
    return;
  }
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
