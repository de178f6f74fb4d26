import { pino } from 'pino';
import { Writable } from 'node:stream';
import { requestContext } from '#common';
import { loggerParams } from './logger.js';

/** A pino logger with the api's settings, writing its lines to an array. */
function capture(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const options = loggerParams({ logLevel: 'info', nodeEnv: 'test' }).pinoHttp as pino.LoggerOptions;
  return { log: pino({ redact: options.redact, serializers: options.serializers, mixin: options.mixin }, sink), lines };
}

describe('log lines', () => {
  it('keep a request to its id, method, url, address and agent: no header, so no credential', () => {
    const { log, lines } = capture();
    log.info(
      {
        req: {
          id: 'r-1',
          method: 'POST',
          url: '/api/v1/requests',
          remoteAddress: '127.0.0.1',
          headers: { authorization: 'Bearer secret-token', 'idempotency-key': 'k-1', 'user-agent': 'curl/8' },
        },
        res: { statusCode: 201, headers: { 'set-cookie': 'session=secret' } },
      },
      'request completed',
    );
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line.req).toEqual({
      id: 'r-1',
      method: 'POST',
      url: '/api/v1/requests',
      remoteAddress: '127.0.0.1',
      userAgent: 'curl/8',
    });
    expect(line.res).toEqual({ statusCode: 201 });
    expect(lines[0]).not.toMatch(/secret|k-1/);
  });

  it('redact passwords and tokens wherever a log call puts them', () => {
    const { log, lines } = capture();
    log.info({ password: 'pw-1', body: { password: 'pw-2', accessToken: 'tok-1' }, token: { token: 'tok-2' } });
    expect(lines[0]).not.toMatch(/pw-1|pw-2|tok-1|tok-2/);
    expect(lines[0]).toContain('[redacted]');
  });

  it('carry the id of the request whose work is under way, and none outside any', () => {
    const { log, lines } = capture();
    requestContext.run('req-42', () => log.info('inside'));
    log.info('outside');
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'inside', requestId: 'req-42' });
    expect(JSON.parse(lines[1])).not.toHaveProperty('requestId');
  });
});
