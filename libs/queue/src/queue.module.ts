import { APP_CONFIG, type AppConfig } from '#config';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from './jobs.js';
import { QueueErrorLogger } from './queue-error-logger.js';
import { redisOptions } from './redis-connection.js';

const queues = BullModule.registerQueue(
  ...QUEUE_NAMES.map((name) => ({ name, defaultJobOptions: { ...DEFAULT_JOB_OPTIONS } })),
);

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ connection: redisOptions(config), prefix: config.queue.prefix }),
    }),
    queues,
  ],
  providers: [QueueErrorLogger],
  exports: [queues],
})
export class QueueModule {}
