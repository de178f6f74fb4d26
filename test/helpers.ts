import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { catalogueKnows } from '#common';
import { loadConfig } from '#config';
import { AppModule } from '../apps/api/src/app.module.js';
import { configureApp, createAdapter } from '../apps/api/src/configure-app.js';

/**
 * The api as the suites run it. The desk speaks Chinese to a reader who names no language; the
 * suites written to its English messages read in English (an Accept-Language: en added where a
 * request names none) unless `readerLanguage: 'default'` keeps the api's own default, as the specs
 * of the Chinese default do.
 */
export async function createApp(
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
  { readerLanguage = 'en' }: { readerLanguage?: 'en' | 'default' } = {},
): Promise<NestFastifyApplication> {
  const moduleRef = await override(Test.createTestingModule({ imports: [AppModule] })).compile();
  const adapter = createAdapter(loadConfig());
  // As NestFactory.create() does for main.ts: middie (and so every app.use() middleware) runs before
  // the request hooks configureApp adds (the queues pass check, the console), in this order.
  await adapter.init();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, {
    bodyParser: false,
    bufferLogs: true,
  });
  if (readerLanguage === 'en') app.use(readsEnglish);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', checksCatalogue);
  const routes: MountedRoute[] = [];
  mountedRoutes.set(app, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, handler: route.handler.name });
  });
  configureApp(app);
  await app.init();
  // Fastify answers once its plugins have loaded (supertest talks to the server without listen()).
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** A route as Fastify mounted it, with the name of its handler (Nest names it `Controller.method`). */
export interface MountedRoute {
  method: string;
  url: string;
  handler: string;
}

const mountedRoutes = new WeakMap<object, MountedRoute[]>();

/** The routes mounted on an app built by createApp, in the order they were mounted. */
export function routesOf(app: object): MountedRoute[] {
  const routes = mountedRoutes.get(app);
  if (!routes) throw new Error('routesOf: not an app built by createApp');
  return routes;
}

function readsEnglish(req: IncomingMessage, _res: unknown, next: () => void): void {
  req.headers['accept-language'] ??= 'en';
  next();
}

/**
 * The error messages the api wrote in English and the message catalogue cannot say in Chinese, as
 * the suites met them. test/catalogue-check.ts fails a spec file that met one: every message a
 * person can be shown is in the catalogue.
 */
export const untranslated = new Set<string>();

async function checksCatalogue(_request: unknown, reply: { statusCode: number }, payload: unknown): Promise<unknown> {
  if (reply.statusCode >= 400 && typeof payload === 'string') {
    let error: { statusCode?: unknown; message?: unknown } | null;
    try {
      error = JSON.parse(payload) as { statusCode?: unknown; message?: unknown } | null;
    } catch {
      return payload;
    }
    if (typeof error?.statusCode === 'number' && error.statusCode >= 400) {
      const messages = Array.isArray(error.message) ? error.message : [error.message];
      for (const message of messages) {
        if (typeof message === 'string' && !/[\u4e00-\u9fff]/.test(message) && !catalogueKnows(message)) {
          untranslated.add(message);
        }
      }
    }
  }
  return payload;
}

/** A suffix that keeps this file's rows apart from every other run's. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function login(app: INestApplication, username: string, password: string): Promise<string> {
  const res = await request(app.getHttpServer()).post('/api/v1/auth/login').send({ username, password }).expect(200);
  return res.body.accessToken as string;
}

/** Polls until the check gives a value (bounded), for effects the worker makes on its own. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 40_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
