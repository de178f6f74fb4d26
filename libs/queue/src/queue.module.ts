import { APP_CONFIG, type AppConfig } from '#config';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from './jobs.js';
import { QueueErrorLogger } from './queue-error-logger.js';
import { QueueConnection, QueueConnectionModule } from './redis-connection.js';

const queues = BullModule.registerQueue(
  ...QUEUE_NAMES.map((name) => ({ name, defaultJobOptions: { ...DEFAULT_JOB_OPTIONS } })),
);

@Module({
  imports: [
    BullModule.forRootAsync({
      imports: [QueueConnectionModule],
      inject: [APP_CONFIG, QueueConnection],
      useFactory: (config: AppConfig, queues: QueueConnection) => ({
        connection: queues.connection,
        prefix: config.queue.prefix,
      }),
    }),
    queues,
  ],
  providers: [QueueErrorLogger],
  exports: [queues],
})
export class QueueModule {}
