import { BadRequestException, HttpException, type ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter, bodyParserMessage } from './exception.filter.js';

/** The body the filter answers an exception with. */
function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent = { status: 0, body: {} as Record<string, unknown> };
  const response = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: Record<string, unknown>) {
      sent.body = body;
    },
    setHeader() {},
  };
  const request = { headers: { 'accept-language': 'en' }, query: {} };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return sent;
}

/** What body-parser raises, as Nest hands it on: an HttpException whose cause is body-parser's error. */
const fromBodyParser = (status: number, cause: object) =>
  new HttpException('raw words of the parser', status, {
    cause: Object.assign(new Error('raw'), { status, ...cause }),
  });

describe('bodyParserMessage', () => {
  it('names a body that is valid JSON but not an object', () => {
    for (const body of ['"x"', ' 1', 'null', 'true']) {
      expect(bodyParserMessage({ type: 'entity.parse.failed', status: 400, message: 'x', body })).toBe(
        'request body must be a JSON object',
      );
    }
  });

  it('says a body is not JSON, with what JSON.parse found', () => {
    expect(
      bodyParserMessage({
        type: 'entity.parse.failed',
        status: 400,
        message: 'Unexpected end of JSON input',
        body: '{"a":',
      }),
    ).toBe('request body is not valid JSON: Unexpected end of JSON input');
  });

  it('names the Content-Encoding it cannot read', () => {
    expect(bodyParserMessage({ type: 'encoding.unsupported', status: 415, message: 'x', encoding: 'x-zip' })).toBe(
      'Content-Encoding x-zip is not supported: send the body uncompressed, or as gzip, deflate or br',
    );
  });
});

describe('AllExceptionsFilter', () => {
  it('answers body-parser errors that Nest wrapped in its own words, not the parser’s', () => {
    expect(answer(fromBodyParser(400, { type: 'entity.parse.failed', body: '"x"' }))).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'request body must be a JSON object' },
    });
    expect(answer(fromBodyParser(413, { type: 'entity.too.large' })).body.message).toBe(
      'request body is larger than 1 MB',
    );
  });

  it('answers a compressed body that does not inflate with 400 saying so', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', status: 400 });
    expect(answer(new BadRequestException('incorrect header check', { cause: zlib })).body.message).toBe(
      'request body does not decompress as its Content-Encoding says',
    );
  });
});
