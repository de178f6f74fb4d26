import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { rejectDeepJson, rejectManyItems, rejectNonObjectJson } from './json-depth.js';
import { rejectDuplicateKeys } from './json-keys.js';
import { checkJsonValue } from './json-reviver.js';

/**
 * An error as body-parser (through http-errors) raised it on Express: a status, `type` naming the
 * fault, `expose`. Nest maps it to an HttpException carrying it as its cause, and the exception
 * filter words it (bodyParserMessage), so a body is refused with the same status and message as before.
 */
function bodyError<T extends object>(
  status: number,
  error: Error,
  props: T & { type?: string },
): Error & { status: number; statusCode: number; expose: boolean } {
  return Object.assign(error, props, { status, statusCode: status, expose: status < 500 });
}

/** The charset parameter of a Content-Type, lower-cased, or undefined. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  const value = match?.[1] ?? match?.[2];
  return value ? value.toLowerCase() : undefined;
}

/** The body as body-parser read it: inflated per Content-Encoding, refused past `limit` bytes. */
function readBody(req: IncomingMessage, payload: Readable, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Readable;
  let declared: number | undefined;
  switch (encoding) {
    case 'deflate':
      stream = payload.pipe(createInflate());
      break;
    case 'gzip':
      stream = payload.pipe(createGunzip());
      break;
    case 'br':
      stream = payload.pipe(createBrotliDecompress());
      break;
    case 'identity': {
      stream = payload;
      const length = Number(req.headers['content-length']);
      declared = Number.isFinite(length) ? length : undefined;
      break;
    }
    default:
      payload.resume();
      return Promise.reject(
        bodyError(415, new Error(`unsupported content encoding "${encoding}"`), {
          type: 'encoding.unsupported',
          encoding,
        }),
      );
  }
  if (declared !== undefined && declared > limit) {
    payload.resume();
    return Promise.reject(
      bodyError(413, new Error('request entity too large'), {
        type: 'entity.too.large',
        limit,
        length: declared,
        expected: declared,
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      if (stream !== payload) payload.unpipe();
      // What is left of the body is read and dropped, so the connection can carry the answer.
      payload.resume();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > limit) {
        fail(bodyError(413, new Error('request entity too large'), { type: 'entity.too.large', limit, received }));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (error: Error & { code?: unknown }) =>
      // A body that does not inflate: a 400 carrying zlib's code (Z_DATA_ERROR…), on an Error of this
      // realm (Nest maps only `instanceof Error`, and zlib's come from Node's own under Jest's vm).
      fail(bodyError(400, new Error(error.message), { code: error.code })),
    );
    payload.on('aborted', () =>
      fail(bodyError(400, new Error('request aborted'), { type: 'request.aborted', received })),
    );
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      if (declared !== undefined && received !== declared) {
        reject(
          bodyError(400, new Error('request size did not match content length'), {
            type: 'request.size.invalid',
            received,
            expected: declared,
          }),
        );
        return;
      }
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    });
  });
}

/** Parses one JSON body the way the api's body-parser did on Express. */
export async function parseJsonBody(req: IncomingMessage, payload: Readable, limit: number): Promise<unknown> {
  const charset = charsetOf(req.headers['content-type']) ?? 'utf-8';
  if (!charset.startsWith('utf-')) {
    payload.resume();
    throw bodyError(415, new Error(`unsupported charset "${charset.toUpperCase()}"`), {
      type: 'charset.unsupported',
      charset,
    });
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    payload.resume();
    throw bodyError(415, new Error(`unsupported charset "${charset.toUpperCase()}"`), {
      type: 'charset.unsupported',
      charset,
    });
  }
  const body = await readBody(req, payload, limit);
  // The checks on the text, before parsing: an object, nesting depth, item count, keys written once.
  try {
    rejectNonObjectJson(req, undefined, body, charset);
    rejectDeepJson(req, undefined, body, charset);
    rejectManyItems(req, undefined, body, charset);
    rejectDuplicateKeys(req, undefined, body, charset);
  } catch (error) {
    const e = error as Error & { type?: string };
    throw bodyError(400, e, { type: e.type ?? 'entity.verify.failed', body });
  }
  const text = decoder.decode(body);
  if (text.length === 0) return {};
  try {
    return JSON.parse(text, checkJsonValue) as unknown;
  } catch (error) {
    throw bodyError(400, error as Error, { type: 'entity.parse.failed', body: text });
  }
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
