import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { routesOf } from '../helpers.js';

/** A route as the running app serves it: `GET /api/v1/requests/:id`. */
export interface AppRoute {
  key: string;
  method: string;
  path: string;
  /** `RequestsController.get`: the controller method that answers it. */
  handler: string;
}

/**
 * Every route of the app, read from Nest itself: the controller methods with a request method
 * (`@Get`, `@Post`, `@Put`…) of every module, and the path each is mounted at in Fastify, which is
 * where the global prefix and its exclusions (`/health`) have been applied. Nest names each route
 * handler it mounts after its controller method, which is how the two are joined.
 *
 * `unmounted` lists the controller methods found on no route (it should be empty).
 */
export function appRoutes(app: NestFastifyApplication): { routes: AppRoute[]; unmounted: string[] } {
  const scanner = new MetadataScanner();
  const handlers = new Set<string>();
  for (const controller of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const prototype = Object.getPrototypeOf(controller.instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      if (Reflect.getMetadata(METHOD_METADATA, prototype[name] as object) !== undefined) {
        handlers.add(`${controller.name}.${name}`);
      }
    }
  }

  const routes: AppRoute[] = [];
  for (const route of routesOf(app)) {
    if (!handlers.has(route.handler)) continue; // Swagger's pages, the queues board
    // Fastify mounts a HEAD route beside each GET; Express answered HEAD from the GET route.
    if (route.method === 'HEAD' && routesOf(app).some((r) => r.method === 'GET' && r.url === route.url)) continue;
    const key = `${route.method} ${route.url}`;
    if (!routes.some((r) => r.key === key)) {
      routes.push({ key, method: route.method, path: route.url, handler: route.handler });
    }
  }
  const mounted = new Set(routes.map((r) => r.handler));
  return { routes, unmounted: [...handlers].filter((h) => !mounted.has(h)) };
}
