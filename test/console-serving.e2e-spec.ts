import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from './helpers.js';

/** The api serves the built console on its own origin, without ever hiding an api route. */
describe('the console served by the api', () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-'));
  const INDEX = '<!doctype html><html><head><title>一件事</title></head><body><div id="root"></div></body></html>';
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log("console")');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    process.env.CONSOLE_DIR = dir;
    app = await createApp();
  });
  afterAll(async () => {
    await app.close();
    delete process.env.CONSOLE_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and never lets a browser keep it without asking', async () => {
    const res = await http().get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves index.html for a deep link of the console, so a reload of /requests/5 works', async () => {
    const res = await http().get('/requests/5').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toBe(INDEX);
  });

  it('serves hashed assets with a year-long immutable cache, other files with no-cache', async () => {
    const asset = await http().get('/assets/index-AbC123.js').expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.text).toBe('console.log("console")');
    const icon = await http().get('/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with a 404, not with the page', async () => {
    const res = await http().get('/assets/gone-123.js').expect(404);
    expect(res.text).not.toContain('<html');
  });

  it('keeps an unknown api path a JSON 404 of the api', async () => {
    for (const path of ['/api/v1/nope', '/api/nope', '/api', '/api/v1/requests/5/nope']) {
      const res = await http().get(path).set('Accept', 'text/html').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ statusCode: 404 });
    }
  });

  it('leaves /health and the api docs to the api', async () => {
    const health = await http().get('/health');
    expect(health.headers['content-type']).toMatch(/^application\/json/);
    expect(health.body).toHaveProperty('status');
    const docs = await http().get('/api/docs-json').expect(200);
    expect(docs.body).toHaveProperty('openapi');
  });

  it("allows the console's same-origin scripts, and inline styles but never inline scripts", async () => {
    const csp = (await http().get('/').expect(200)).headers['content-security-policy'] as string;
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `));
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(directive('style-src')).toBe("style-src 'self' 'unsafe-inline'");
    expect(directive('connect-src')).toBe("connect-src 'self'");
  });

  it('does not answer a POST to a console path with the page', async () => {
    const res = await http().post('/requests/5').send({}).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('an api without a built console', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    process.env.CONSOLE_DIR = join(tmpdir(), 'no-console-here');
    app = await createApp();
  });
  afterAll(async () => {
    await app.close();
    delete process.env.CONSOLE_DIR;
  });

  it('still starts and answers the api, with / a JSON 404', async () => {
    const res = await request(app.getHttpServer()).get('/').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await request(app.getHttpServer()).get('/api/docs-json').expect(200);
  });
});
