import { BadRequestException, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { requireJsonBody } from './http/json-content-type.js';
import { rejectDeepJson, rejectManyItems, rejectNonObjectJson } from './http/json-depth.js';
import { rejectDuplicateKeys } from './http/json-keys.js';
import { checkJsonValue } from './http/json-reviver.js';
import { StrictValidationPipe } from './http/strict-validation.pipe.js';
import { validationMessages } from './http/validation-messages.js';

export const BODY_LIMIT = '1mb';

/** Everything an api process needs beyond its modules; shared by main.ts and the end-to-end tests. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // No ETags: every response is computed per caller, and hashing each body cost CPU for nothing.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.use(helmet());
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
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(
    new StrictValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
    }),
  );
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('One-thing service desk')
      .setDescription('Apply once, accept once, approve in parallel, issue together: every time limit kept.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
  return app;
}
