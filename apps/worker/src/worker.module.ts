import { FilesModule } from '#files';
import { ClockModule } from '#common';
import { APP_CONFIG, AppConfigModule, type AppConfig } from '#config';
import { DatabaseModule } from '#database';
import { LiveModule } from '#live';
import { NotificationsService } from '#notifications';
import { loggerParams } from '#platform';
import { OUTBOX_BATCH_HANDLER, OutboxRelay, QueueModule } from '#queue';
import { ReportsModule } from '#reports';
import { IdempotencyStore, RequestsModule } from '#requests';
import { SlaModule } from '#sla';
import { WebhooksModule } from '#webhooks';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { WorkerEventBatch } from './event-batch.js';
import { EventsProcessor } from './processors/events.processor.js';
import { SlaProcessor } from './processors/sla.processor.js';
import { SlaTimers } from './sla-timers.js';
import { OutboxProcessor } from './processors/outbox.processor.js';
import { WorkerSchedules } from './schedules.js';
import { WebhooksProcessor } from './processors/webhooks.processor.js';
import { MEASURED_PROCESSORS, WorkerMetrics } from './worker-metrics.js';

/** Every processor of the worker; the start refuses to run unless each job name has exactly one handler. */
export const PROCESSORS = [OutboxProcessor, EventsProcessor, SlaProcessor, WebhooksProcessor];

@Module({
  imports: [
    AppConfigModule,
    ClockModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => loggerParams(config) }),
    DatabaseModule,
    QueueModule,
    SlaModule,
    RequestsModule,
    ReportsModule,
    FilesModule,
    WebhooksModule,
    LiveModule,
  ],
  providers: [
    ...PROCESSORS,
    OutboxRelay,
    IdempotencyStore,
    NotificationsService,
    SlaTimers,
    WorkerEventBatch,
    { provide: OUTBOX_BATCH_HANDLER, useExisting: WorkerEventBatch },
    WorkerSchedules,
    WorkerMetrics,
    { provide: MEASURED_PROCESSORS, useValue: PROCESSORS },
  ],
})
export class WorkerModule {}
