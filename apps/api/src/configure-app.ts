import type { AppConfig } from '#config';
import { BadRequestException, RequestMethod } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { parse as parseQueryString } from 'node:querystring';
import { consoleDir, serveConsole } from './http/console.js';
import { requireJsonBody } from './http/json-content-type.js';
import { readBodyOfGet, registerJsonBodyParser } from './http/json-body.js';
import { withRequestId } from './http/request-id.js';
import { frameworkErrors, setFrameworkErrorHeaders } from './http/framework-errors.js';
import { DeskMetrics } from './metrics/desk-metrics.js';
import { mountQueuesBoard } from './queues/queues-board.js';
import { StrictValidationPipe } from './http/strict-validation.pipe.js';
import { validationMessages } from './http/validation-messages.js';
import { completeDocument } from './openapi/contract.js';

/** The largest request body read (JSON, after decompression): 1 MiB, as express's '1mb'. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The Fastify the api runs on, set to route as the api did on Express: paths matched whatever their
 * case and with or without a trailing slash, route parameters of any length (Express has no 414), and
 * the query string read by node:querystring (Express 5's "simple" parser: repeated keys make an array,
 * no nested objects). Proxies are trusted as TRUST_PROXY says (the same proxy-addr names and ranges).
 */
export function createAdapter(config: Pick<AppConfig, 'trustProxy'>): FastifyAdapter {
  const adapter: FastifyAdapter = new FastifyAdapter({
    frameworkErrors: frameworkErrors(() => adapter),
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    // The ids are the api's own (withRequestId); Fastify's own logger stays off, nestjs-pino logs.
    logger: false,
    // Node's own defaults, as the api's http.Server had them on Express (Fastify's are 72 s and none).
    keepAliveTimeout: 5000,
    requestTimeout: 300_000,
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: 16 * 1024,
      querystringParser: (text: string) => parseQueryString(text),
    },
  });
  return adapter;
}

/** Everything an api process needs beyond its modules; shared by main.ts and the end-to-end tests. */
export function configureApp(
  app: NestFastifyApplication,
  options: { consoleDir?: string } = {},
): NestFastifyApplication {
  app.useLogger(app.get(Logger));
  // First, so every answer is counted, timed and given its id, refusals by the checks below included.
  app.use(withRequestId);
  app.get(DeskMetrics).register(app.getHttpAdapter().getInstance());
  // The console is served from this origin: its scripts and styles are same-origin files; antd writes
  // inline styles, so 'unsafe-inline' is allowed for styles only (never for scripts).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        'font-src': ["'self'", 'data:'],
      },
    },
  });
  app.use(securityHeaders);
  // A path the router refuses before any hook (one that does not decode) still carries both.
  setFrameworkErrorHeaders(app.getHttpAdapter(), [withRequestId, securityHeaders]);
  app.use(requireJsonBody);
  app.use(readBodyOfGet(BODY_LIMIT_BYTES));
  // JSON bodies are read as body-parser read them on Express: inflated, at most 1 MiB, checked as text
  // before parsing (an object, nesting depth, item count, keys written once), then parsed with the reviver.
  registerJsonBodyParser(app.getHttpAdapter().getInstance(), BODY_LIMIT_BYTES);
  setRoutePrefix(app);
  app.useGlobalPipes(
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
    }),
  );
  app.enableShutdownHooks();

  SwaggerModule.setup('api/docs', app, openApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });

  mountQueuesBoard(app);
  const served = serveConsole(app, options.consoleDir ?? consoleDir());
  const logger = app.get(Logger);
  if (served) logger.log(`console served at / from ${served}`, 'Console');
  else
    logger.warn(
      `console not served: ${options.consoleDir ?? consoleDir()} has no index.html (build it with npm run build, or set CONSOLE_DIR)`,
      'Console',
    );
  return app;
}

/** Every api route under /api/v1 except the probes. */
export function setRoutePrefix(app: NestFastifyApplication): void {
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}

/** The OpenAPI document of the app's routes; docs/openapi.json is this, written by `npm run openapi`. */
export function openApiDocument(app: NestFastifyApplication) {
  return completeDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('One-thing service desk')
        .setDescription('Apply once, accept once, approve in parallel, issue together: every time limit kept.')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    ),
  );
}
