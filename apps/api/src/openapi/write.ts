/**
 * `npm run openapi`: writes docs/openapi.json, the contract the console's api client is generated
 * from, from the app's own routes. Nest's preview mode scans the modules without creating their
 * providers, so this needs neither MySQL nor Redis.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app.module.js';
import { openApiDocument, setRoutePrefix } from '../configure-app.js';
import { canonicalJson } from './canonical.js';

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    preview: true,
    abortOnError: false,
    logger: ['error'],
    bodyParser: false,
  });
  setRoutePrefix(app);
  const file = resolve(process.argv[2] ?? 'docs/openapi.json');
  const document = openApiDocument(app);
  writeFileSync(file, canonicalJson(document));
  process.stdout.write(`wrote ${file}: ${Object.keys(document.paths).length} paths\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
