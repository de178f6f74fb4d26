import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parseJsonBody } from './json-body.js';
import { hasMediaType } from './json-content-type.js';

/** A request whose body is `chunks`, with these headers. */
function requestOf(chunks: (string | Buffer)[], headers: Record<string, string>): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as IncomingMessage;
}

const parse = (chunks: (string | Buffer)[], headers: Record<string, string> = {}, limit = 1024) => {
  // A body comes with its length or chunked, as over HTTP.
  const framing: Record<string, string> = 'content-length' in headers ? {} : { 'transfer-encoding': 'chunked' };
  const req = requestOf(chunks, { 'content-type': 'application/json', ...framing, ...headers });
  return parseJsonBody(req, req, limit);
};

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { status?: number; statusCode?: number; type?: string; code?: string; expose?: boolean };
  }
  throw new Error('expected a refusal');
};

describe('parseJsonBody, as body-parser read the api’s bodies', () => {
  it('reads an object, an empty body as {}, and a gzip body inflated', async () => {
    expect(await parse(['{"a":', '1}'])).toEqual({ a: 1 });
    expect(await parse([])).toEqual({});
    expect(await parse([gzipSync('{"a":2}')], { 'content-encoding': 'gzip' })).toEqual({ a: 2 });
  });

  it('refuses with body-parser’s status and type, so the exception filter words it as before', async () => {
    expect(await failure(parse(['{}'], { 'content-encoding': 'x-zip' }))).toMatchObject({
      status: 415,
      statusCode: 415,
      expose: true,
      type: 'encoding.unsupported',
    });
    expect(await failure(parse(['{}'], { 'content-type': 'application/json; charset=latin1' }))).toMatchObject({
      status: 415,
      type: 'charset.unsupported',
    });
    expect(await failure(parse(['{}'], { 'content-encoding': 'gzip' }))).toMatchObject({
      status: 400,
      code: 'Z_DATA_ERROR',
    });
    expect(await failure(parse(['x'.repeat(10)], { 'content-length': '2000' }))).toMatchObject({
      status: 413,
      type: 'entity.too.large',
    });
    expect(await failure(parse(['{"a":"', 'x'.repeat(1100), '"}']))).toMatchObject({
      status: 413,
      type: 'entity.too.large',
    });
    expect(await failure(parse(['[]']))).toMatchObject({ status: 400, type: 'entity.not.object' });
    expect(await failure(parse(['{"a":1,"a":2}']))).toMatchObject({ status: 400, type: 'entity.duplicate.key' });
    expect(await failure(parse(['{"a":']))).toMatchObject({ status: 400, type: 'entity.parse.failed', body: '{"a":' });
    expect((await failure(parse(['{"prototype":1}']))).message).toMatch(/^request body has a key named prototype/);
  });
});

describe('hasMediaType, as express’s req.is()', () => {
  const typed = (type?: string) => ({ headers: type === undefined ? {} : { 'content-type': type } }) as IncomingMessage;

  it('matches the type whatever its case and parameters, and nothing that is not a media type', () => {
    expect(hasMediaType(typed('APPLICATION/JSON'), 'application/json')).toBe(true);
    expect(hasMediaType(typed('application/json; charset=utf-8'), 'application/json')).toBe(true);
    expect(hasMediaType(typed('application/vnd.api+json'), 'application/json')).toBe(false);
    expect(hasMediaType(typed('json'), 'application/json')).toBe(false);
    expect(hasMediaType(typed(undefined), 'application/json')).toBe(false);
  });
});
