import { BadRequestException, HttpException, type ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter, bodyParserMessage } from './exception.filter.js';

/** The body the filter answers an exception with. */
function answer(exception: unknown): {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
} {
  const sent = { status: 0, body: {} as Record<string, unknown>, headers: {} as Record<string, string> };
  // A FastifyReply, as far as the filter uses one.
  const response = {
    sent: false,
    raw: { headersSent: false },
    code(code: number) {
      sent.status = code;
      return this;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
      return this;
    },
    headers: {} as Record<string, string>,
    header(name: string, value: string) {
      this.headers[name] = value;
      return this;
    },
  };
  const request = { headers: { 'accept-language': 'en' }, query: {} };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  sent.headers = response.headers;
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
      headers: { 'Content-Language': 'en' },
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

  it('answers 503 with Retry-After, not 500, while MySQL is down, restarting or out of connections', () => {
    const down = [
      // mysql2: the pool could not connect, the server went away, a command on a closed connection
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', fatal: true }),
      Object.assign(new Error('Connection lost: The server closed the connection.'), {
        code: 'PROTOCOL_CONNECTION_LOST',
        fatal: true,
      }),
      new Error("Can't add new command when connection is in closed state"),
      Object.assign(new Error('Too many connections'), { code: 'ER_CON_COUNT_ERROR' }),
      // TypeORM's QueryFailedError copies the driver's code and carries the query
      Object.assign(new Error('Server shutdown in progress'), { code: 'ER_SERVER_SHUTDOWN', query: 'SELECT 1' }),
    ];
    for (const error of down) {
      const { status, body, headers } = answer(error);
      expect({ status, body, retryAfter: headers['Retry-After'] }).toEqual({
        status: 503,
        body: {
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'the database is unavailable; try again in a moment',
        },
        retryAfter: '5',
      });
    }
    // A socket error of something else than the database is a fault of the service.
    expect(answer(Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:443'), { code: 'ECONNREFUSED' })).status).toBe(
      500,
    );
  });
});
