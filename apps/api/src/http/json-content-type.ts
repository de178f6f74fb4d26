import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import typeis from 'type-is';

/** A body follows the headers: a non-zero Content-Length, or chunks of unknown length. */
function carriesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Whether the request's Content-Type is `type` (`application/json`, `multipart/form-data`), whatever
 * its case and parameters: type-is, as express's `req.is(type)` answered; a header that is not a
 * media type matches nothing.
 */
export function hasMediaType(req: IncomingMessage, type: string): boolean {
  const header = req.headers['content-type'];
  return typeof header === 'string' && typeis.is(header, [type]) !== false;
}

/** The path of a request target, without its query (express's `req.path`). */
export const pathOf = (url: string | undefined): string => {
  const value = url ?? '/';
  const query = value.indexOf('?');
  return query === -1 ? value : value.slice(0, query);
};

export const UPLOAD_PATH = '/api/v1/files';

/**
 * The api reads JSON bodies only (docs/api.md). Without this a form-encoded, XML or text body was read
 * as no body at all and answered with a list of missing fields, which says nothing of the real
 * fault; now it is a 415 naming the content type to send.
 */
export function requireJsonBody(req: IncomingMessage, _res: ServerResponse, next: (error?: unknown) => void): void {
  // The one route that takes bytes: an upload (POST /files) reads multipart/form-data itself.
  if (req.method === 'POST' && pathOf(req.url) === UPLOAD_PATH) {
    if (carriesBody(req) && !hasMediaType(req, 'multipart/form-data')) {
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
  if (carriesBody(req) && !hasMediaType(req, 'application/json')) {
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
