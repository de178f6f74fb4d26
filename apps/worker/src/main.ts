import 'reflect-metadata';
import { loadConfig } from '#config';
import { exitOnStartFailure, preflight } from '#platform';
import { jobHandlerProblems } from '#queue';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { PROCESSORS, WorkerModule } from './worker.module.js';

async function bootstrap(): Promise<void> {
  const problems = jobHandlerProblems(PROCESSORS.map((p) => ({ name: p.name, queue: p.queue, handles: p.handles })));
  if (problems.length > 0) throw new Error(`job handlers do not match the job names: ${problems.join('; ')}`);
  const config = loadConfig();
  await preflight(config);
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGTERM closes the workers: active jobs finish, waiting ones stay in Redis for the next worker.
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write(`worker processing queues ${PROCESSORS.map((p) => p.queue).join(', ')}\n`);
}

bootstrap().catch(exitOnStartFailure('worker'));
