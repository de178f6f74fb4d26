import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { RawHttp } from './fuzz/raw-http.js';
import { createApp } from './helpers.js';
import { TEST_ENV } from './test-env.js';

/** A message may be one string or a list; this reads both as one text. */
const messageText = (body: { message: string | string[] }) =>
  (Array.isArray(body.message) ? body.message : [body.message]).join('\n');

describe('hostile input is a clear 4xx or kept byte for byte', () => {
  let app: INestApplication;
  /** Bytes as given, no content type added: supertest always names one. */
  let raw: RawHttp;

  beforeAll(async () => {
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    raw = new RawHttp((app.getHttpServer().address() as AddressInfo).port);
  });

  afterAll(async () => {
    raw.close();
    await app.close();
  });

  const http = () => request(app.getHttpServer());
  const postRaw = (path: string, text: string | Buffer, headers: Record<string, string> = {}) => {
    const req = http().post(`/api/v1${path}`).set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(text);
  };

  describe('bodies that do not parse', () => {
    it('answers JSON that is a string, a number or null, not an object, with 400 saying so', async () => {
      for (const text of ['"[object Object]"', ' 1', 'null', 'true']) {
        const res = await postRaw('/auth/login', text).expect(400);
        expect(res.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: 'request body must be a JSON object or array',
        });
      }
    });

    it('answers malformed JSON with 400 saying it is not JSON and where', async () => {
      const res = await postRaw('/auth/login', '{"username": "admin",').expect(400);
      expect(res.body.message).toMatch(/^request body is not valid JSON: .*JSON/);
    });

    it('answers a compressed body that does not inflate, or an unknown Content-Encoding, with a 4xx naming it', async () => {
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const res = await postRaw('/auth/login', '{}', { 'Content-Encoding': encoding }).expect(400);
        expect(res.body.message).toBe('request body does not decompress as its Content-Encoding says');
      }
      const unknown = await postRaw('/auth/login', '{}', { 'Content-Encoding': 'x-zip' }).expect(415);
      expect(messageText(unknown.body)).toContain('Content-Encoding x-zip is not supported');
    });

    it('answers a body that is not JSON with 415 naming the content type to send, even a valid login as a form', async () => {
      const types = [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
      ];
      for (const type of types) {
        const res = await http()
          .post('/api/v1/auth/login')
          .set('Content-Type', type)
          .send(`username=admin&password=${TEST_ENV.ADMIN_PASSWORD}`)
          .expect(415);
        expect(res.body).toEqual({
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: `request body must be JSON sent with Content-Type: application/json, not ${type}`,
        });
      }
      const untyped = await raw.send({
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: {},
        body: Buffer.from('{}'),
      });
      expect(untyped.status).toBe(415);
      expect(JSON.parse(untyped.text).message).toBe(
        'request body must be JSON sent with Content-Type: application/json',
      );
    });

    it('takes a JSON body whatever the case of its type or its charset parameter', async () => {
      for (const type of ['APPLICATION/JSON', 'application/json; charset=utf-8']) {
        await http()
          .post('/api/v1/auth/login')
          .set('Content-Type', type)
          .send('{"username":"admin","password":"x"}')
          .expect(401);
      }
    });

    it('answers a key written twice with 400 naming it and where, instead of silently keeping the last', async () => {
      const login = `{"username":"nobody","password":"x","username":"admin","password":"${TEST_ENV.ADMIN_PASSWORD}"}`;
      const res = await postRaw('/auth/login', login).expect(400);
      expect(res.body.message).toBe('request body has the key "username" twice at the top level: send each key once');
      const nested = await postRaw('/auth/login', '{"username":"a","password":"b","x":[{"k":1},{"k":1,"\\u006b":2}]}');
      expect(nested.status).toBe(400);
      expect(nested.body.message).toBe('request body has the key "k" twice in x[1]: send each key once');
    });

    it('answers a body over 1 MB with 413 saying how large a body may be', async () => {
      const res = await postRaw('/auth/login', `{"username":"${'a'.repeat(1_100_000)}"}`).expect(413);
      expect(res.body.message).toBe('request body is larger than 1 MB');
    });
  });
});
