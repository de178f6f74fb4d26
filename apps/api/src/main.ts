import 'reflect-metadata';
import { loadConfig } from '#config';
import { exitOnStartFailure, preflight } from '#platform';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { configureApp, createAdapter } from './configure-app.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  await preflight(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app);
  await app.listen(config.port, '0.0.0.0');
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  process.stdout.write(`api listening on ${url} (docs: ${url}/api/docs)\n`);
}

bootstrap().catch(exitOnStartFailure('api'));
