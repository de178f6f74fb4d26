import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from './helpers.js';

/** A message may be one string or a list; this reads both as one text. */
const messageText = (body: { message: string | string[] }) =>
  (Array.isArray(body.message) ? body.message : [body.message]).join('\n');

describe('hostile input is a clear 4xx or kept byte for byte', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp();
  });

  afterAll(async () => {
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

    it('answers a body over 1 MB with 413 saying how large a body may be', async () => {
      const res = await postRaw('/auth/login', `{"username":"${'a'.repeat(1_100_000)}"}`).expect(413);
      expect(res.body.message).toBe('request body is larger than 1 MB');
    });
  });
});
