import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** A route as the running app serves it: `GET /api/v1/requests/:id`. */
export interface AppRoute {
  key: string;
  method: string;
  path: string;
  /** `RequestsController.get`: the controller method that answers it. */
  handler: string;
}

interface ExpressLayer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: { name: string } }[] };
}

/**
 * Every route of the app, read from Nest itself: the controller methods with a request method
 * (`@Get`, `@Post`, `@Put`…) of every module, and the path each is mounted at in Express, which is
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

  const express = app.getHttpAdapter().getInstance() as unknown as { router: { stack: ExpressLayer[] } };
  const routes: AppRoute[] = [];
  for (const layer of express.router.stack) {
    const route = layer.route;
    if (!route || typeof route.path !== 'string') continue;
    const handler = route.stack.map((s) => s.handle.name).find((name) => handlers.has(name));
    if (!handler) continue; // middleware mounted on a path, Swagger's pages
    for (const method of Object.keys(route.methods).filter((m) => route.methods[m])) {
      const key = `${method.toUpperCase()} ${route.path}`;
      if (!routes.some((r) => r.key === key)) {
        routes.push({ key, method: method.toUpperCase(), path: route.path, handler });
      }
    }
  }
  const mounted = new Set(routes.map((r) => r.handler));
  return { routes, unmounted: [...handlers].filter((h) => !mounted.has(h)) };
}
