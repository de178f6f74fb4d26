import bodyParser from 'body-parser';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { rejectDeepJson, rejectManyItems, rejectNonObjectJson } from './json-depth.js';
import { rejectDuplicateKeys } from './json-keys.js';
import { checkJsonValue } from './json-reviver.js';

/** body-parser's JSON reader as the api used it on Express, for each limit asked. */
const readers = new Map<number, ReturnType<typeof bodyParser.json>>();
function readerFor(limit: number): ReturnType<typeof bodyParser.json> {
  let reader = readers.get(limit);
  if (!reader) {
    reader = bodyParser.json({
      limit,
      // The caller decided the body is JSON (requireJsonBody let it through, or Fastify matched its type).
      type: () => true,
      // The checks on the text, before parsing: an object, nesting depth, item count, keys written once.
      verify: (req, res, body, encoding) => {
        rejectNonObjectJson(req, res, body, encoding);
        rejectDeepJson(req, res, body, encoding);
        rejectManyItems(req, res, body, encoding);
        rejectDuplicateKeys(req, res, body, encoding);
      },
      reviver: checkJsonValue,
    });
    readers.set(limit, reader);
  }
  return reader;
}

/**
 * Parses one JSON body with body-parser itself (inflated per Content-Encoding, its charset decoded,
 * refused past `limit` bytes, checked, then parsed with the reviver), so a body is read and refused
 * exactly as on Express: body-parser's errors carry the status and `type` the exception filter words.
 * `payload` is the request's own stream (Fastify hands the raw request to a content type parser).
 */
export function parseJsonBody(req: IncomingMessage, payload: Readable, limit: number): Promise<unknown> {
  const source = payload as IncomingMessage & { body?: unknown };
  if (source !== req) Object.assign(source, { headers: req.headers });
  return new Promise((resolve, reject) => {
    readerFor(limit)(source, {} as ServerResponse, (error?: unknown) =>
      error ? reject(error as Error) : resolve(source.body ?? {}),
    );
  });
}

/**
 * The api's only body parser: `application/json` is read by parseJsonBody; any other type reaches a
 * route only when requireJsonBody let it through (an upload's multipart body, read by the route
 * itself from the raw request, or a body-less request), so it is left unread, as on Express.
 */
export function registerJsonBodyParser(instance: FastifyInstance, limit: number): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('application/json', (request: FastifyRequest, payload: IncomingMessage) =>
    parseJsonBody(request.raw, payload, limit),
  );
  instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

/**
 * Fastify never reads the body of a GET or HEAD; body-parser read it as any other, so a malformed
 * JSON body was a 400 there too. This middleware (after requireJsonBody, which lets only JSON through)
 * reads such a body and refuses it as body-parser did; a well-formed one is dropped, as no GET route reads one.
 */
export function readBodyOfGet(limit: number) {
  return (req: IncomingMessage, _res: unknown, next: (error?: unknown) => void): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const length = req.headers['content-length'];
    const carries = length !== undefined ? length.trim() !== '0' : req.headers['transfer-encoding'] !== undefined;
    if (!carries) return next();
    parseJsonBody(req, req, limit).then(() => next(), next);
  };
}
