import { APP_CONFIG, type AppConfig } from '#config';
import { BadRequestException, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { consoleDir, serveConsole } from './http/console.js';
import { requireJsonBody } from './http/json-content-type.js';
import { withRequestId } from './http/request-id.js';
import { DeskMetrics } from './metrics/desk-metrics.js';
import { mountQueuesBoard } from './queues/queues-board.js';
import { rejectDeepJson, rejectManyItems, rejectNonObjectJson } from './http/json-depth.js';
import { rejectDuplicateKeys } from './http/json-keys.js';
import { checkJsonValue } from './http/json-reviver.js';
import { StrictValidationPipe } from './http/strict-validation.pipe.js';
import { validationMessages } from './http/validation-messages.js';
import { completeDocument } from './openapi/contract.js';

export const BODY_LIMIT = '1mb';

/** Everything an api process needs beyond its modules; shared by main.ts and the end-to-end tests. */
export function configureApp(
  app: NestExpressApplication,
  options: { consoleDir?: string } = {},
): NestExpressApplication {
  app.useLogger(app.get(Logger));
  // First, so every answer is counted, timed and given its id, refusals by the checks below included.
  app.use(withRequestId);
  app.use(app.get(DeskMetrics).httpMiddleware);
  app.disable('x-powered-by');
  // No ETags: every response is computed per caller, and hashing each body cost CPU for nothing.
  app.set('etag', false);
  app.set('trust proxy', app.get<AppConfig>(APP_CONFIG).trustProxy);
  // The console is served from this origin: its scripts and styles are same-origin files; antd writes
  // inline styles, so 'unsafe-inline' is allowed for styles only (never for scripts).
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'connect-src': ["'self'"],
          'font-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  app.use(requireJsonBody);
  // Nest reserves `verify` for `rawBody: true`, which neither main.ts nor the tests use, so it is free
  // here for the checks on the text that run before parsing: an object, nesting depth, item count, keys written once.
  app.useBodyParser('json', {
    limit: BODY_LIMIT,
    strict: true,
    verify: (req: unknown, res: unknown, body: Buffer, encoding?: string | null) => {
      rejectNonObjectJson(req, res, body, encoding);
      rejectDeepJson(req, res, body, encoding);
      rejectManyItems(req, res, body, encoding);
      rejectDuplicateKeys(req, res, body, encoding);
    },
    reviver: checkJsonValue,
  } as NestExpressBodyParserOptionsFor<'json'>);
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
export function setRoutePrefix(app: NestExpressApplication): void {
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}

/** The OpenAPI document of the app's routes; docs/openapi.json is this, written by `npm run openapi`. */
export function openApiDocument(app: NestExpressApplication) {
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
