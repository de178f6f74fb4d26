import { DomainError } from '#common';
import type { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AllExceptionsFilter, withoutValues } from './exception.filter.js';

/** A response that records what the filter sends. */
function fakeHost() {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  // A FastifyReply, as far as the filter uses one.
  const response = {
    sent: false,
    raw: { headersSent: false },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return this;
    },
    code(code: number) {
      sent.status = code;
      return this;
    },
    send(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const request = { headers: { 'accept-language': 'en' }, query: {} };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('errors leave no secret and no stack', () => {
  it('answers an unexpected fault with a bare 500, without its message or stack', () => {
    const { host, sent } = fakeHost();
    const filter = new AllExceptionsFilter();
    (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
    filter.catch(new Error('connect ECONNREFUSED mysql://app:hunter2@db'), host);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    expect(JSON.stringify(sent.body)).not.toMatch(/hunter2|at .*\.ts|stack/);
  });

  it('logs a failed query without its parameters', () => {
    const failure = new QueryFailedError(
      'INSERT INTO users (username, password_hash) VALUES (?, ?)',
      ['alice', '$argon2id$secret'],
      {
        code: 'ER_SOMETHING',
        message: 'boom',
        sql: "INSERT INTO users (username, password_hash) VALUES ('alice', '$argon2id$secret')",
      } as unknown as Error,
    );
    const logged = JSON.stringify(withoutValues(failure));
    expect(logged).toContain('INSERT INTO users');
    expect(logged).not.toContain('$argon2id$secret');
    expect(logged).not.toContain('alice');
  });

  it('sets Retry-After on a 429', () => {
    const { host, sent } = fakeHost();
    new AllExceptionsFilter().catch(new DomainError('Throttled', 'slow down', { retryAfterSeconds: 42 }), host);
    expect(sent.status).toBe(429);
    expect(sent.headers['Retry-After']).toBe('42');
  });
});
