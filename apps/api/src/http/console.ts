import { NotFoundException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

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

const notFound = (req: Request) => new NotFoundException(`Cannot ${req.method} ${req.path}`);

/**
 * Serves the built console on the api's own origin: its files as they are, and index.html for any
 * other GET that is not an api path and names no file (a deep link such as /requests/5), so the
 * console's router takes over. Hashed assets (vite's assets/ folder) are cached for a year;
 * index.html is revalidated every time, so a new build reaches the browser on the next load.
 * Whatever neither the console nor Nest answers (an unknown /api/... path, a missing asset, a POST
 * to a console path) gets the api's JSON 404 through its exception filter, not express's HTML page.
 * Returns the folder served, or null when it holds no index.html (the api then runs without a console).
 */
export function serveConsole(app: NestExpressApplication, dir = consoleDir()): string | null {
  const index = join(dir, 'index.html');
  const present = existsSync(index);
  const files = express.static(dir, {
    index: false,
    redirect: false,
    setHeaders: (res, path) => {
      if (path.startsWith(join(dir, 'assets') + '/')) {
        res.setHeader('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
      } else {
        res.setHeader('Cache-Control', 'no-cache');
      }
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isRoutedPath(req.path)) return next();
    if (isApiPath(req.path) || !present || (req.method !== 'GET' && req.method !== 'HEAD')) return next(notFound(req));
    files(req, res, () => {
      // No file of that name: a route of the console, unless it looks like a file (a missing asset stays a 404).
      if (/\.[a-z0-9]+$/i.test(req.path)) return next(notFound(req));
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index, (error) => error && next(error));
    });
  });
  return present ? dir : null;
}
