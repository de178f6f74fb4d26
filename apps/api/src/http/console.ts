import send from '@fastify/send';
import { NotFoundException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathOf } from './json-content-type.js';

/** Where the built console (apps/web/dist) is read from: CONSOLE_DIR, relative to the working directory. */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CONSOLE_DIR?.trim() || 'apps/web/dist');
}

/** Paths that belong to the api and are never answered with the console, even when nothing matches them. */
export function isApiPath(path: string): boolean {
  return /^\/(api|health|metrics|admin\/queues)(\/|$)/.test(path);
}

/**
 * Paths Nest routes itself: the versioned api, the probes, the api docs (mounted by SwaggerModule) and
 * the admins' queues page (mounted by configure-app.ts).
 */
function isRoutedPath(path: string): boolean {
  return /^\/(api\/v1|health|metrics|admin\/queues|api\/docs(-json|-yaml)?)(\/|$)/.test(path);
}

const YEAR_SECONDS = 365 * 24 * 3600;

const notFound = (method: string, path: string) => new NotFoundException(`Cannot ${method} ${path}`);

/**
 * Serves the built console on the api's own origin: its files as they are, and index.html for any
 * other GET that is not an api path and names no file (a deep link such as /requests/5), so the
 * console's router takes over. Hashed assets (vite's assets/ folder) are cached for a year;
 * index.html is revalidated every time, so a new build reaches the browser on the next load.
 * Whatever neither the console nor Nest answers (an unknown /api/... path, a missing asset, a POST
 * to a console path) gets the api's JSON 404 through its exception filter.
 * Returns the folder served, or null when it holds no index.html (the api then runs without a console).
 *
 * On Fastify this is a preValidation hook: after the api's middleware and the body's parsing, as it
 * was the middleware after them and body-parser on Express (a malformed JSON body is a 400 anywhere);
 * the files are sent by @fastify/send (express.static's `send`, forked): ETag, Last-Modified,
 * conditional GETs and ranges as before.
 */
export function serveConsole(app: NestFastifyApplication, dir = consoleDir()): string | null {
  const present = existsSync(resolve(dir, 'index.html'));
  const sendFrom = async (request: FastifyRequest, reply: FastifyReply, path: string, cacheControl: string) => {
    const result = await send(request.raw, path, { root: dir, index: false, cacheControl: false });
    if (result.type !== 'file') return false;
    reply.code(result.statusCode).headers(result.headers).header('Cache-Control', cacheControl);
    void reply.send(result.stream);
    return true;
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request, reply) => {
      const path = pathOf(request.raw.url);
      if (isRoutedPath(path)) return;
      const method = request.raw.method ?? 'GET';
      if (isApiPath(path) || !present || (method !== 'GET' && method !== 'HEAD')) throw notFound(method, path);
      const cacheControl = path.startsWith('/assets/') ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache';
      if (await sendFrom(request, reply, path, cacheControl)) return reply;
      // No file of that name: a route of the console, unless it looks like a file (a missing asset stays a 404).
      if (/\.[a-z0-9]+$/i.test(path)) throw notFound(method, path);
      if (await sendFrom(request, reply, '/index.html', 'no-cache')) return reply;
      throw notFound(method, path);
    });
  return present ? dir : null;
}
