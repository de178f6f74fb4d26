import { CalendarModule } from '#calendar';
import { CatalogueModule } from '#catalogue';
import { ClockModule } from '#common';
import { CompaniesModule } from '#companies';
import { FilesModule } from '#files';
import { APP_CONFIG, AppConfigModule, type AppConfig } from '#config';
import { DatabaseModule } from '#database';
import { IdentityModule } from '#identity';
import { LicencesModule } from '#licences';
import { LiveModule } from '#live';
import { NotificationsService } from '#notifications';
import { loggerParams } from '#platform';
import { QueueModule } from '#queue';
import { ReportsModule } from '#reports';
import { RequestsModule } from '#requests';
import { WebhooksModule } from '#webhooks';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AuthController } from './auth/auth.controller.js';
import { CalendarsController } from './calendars/calendars.controller.js';
import { DepartmentsController } from './catalogue/departments.controller.js';
import { HallsController } from './catalogue/halls.controller.js';
import { ItemsController } from './catalogue/items.controller.js';
import { MattersController } from './catalogue/matters.controller.js';
import { CompaniesController } from './companies/companies.controller.js';
import { HealthController } from './health/health.controller.js';
import { RedisHealth } from './health/redis-health.js';
import { AuthGuard } from './http/auth.guard.js';
import { AllExceptionsFilter } from './http/exception.filter.js';
import { RateLimitGuard } from './http/rate-limit.guard.js';
import { RolesGuard } from './http/roles.guard.js';
import { DeskMetrics } from './metrics/desk-metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsGuard } from './metrics/metrics.guard.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { FilesController } from './files/files.controller.js';
import { LicencesController } from './licences/licences.controller.js';
import { LiveController } from './live/live.controller.js';
import { ReportsController } from './reports/reports.controller.js';
import { EvaluationsController } from './requests/evaluations.controller.js';
import { RequestsController } from './requests/requests.controller.js';
import { TasksController } from './requests/tasks.controller.js';
import { ServiceAccountsController } from './service-accounts/service-accounts.controller.js';
import { UsersController } from './users/users.controller.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

@Module({
  imports: [
    AppConfigModule,
    ClockModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => loggerParams(config) }),
    DatabaseModule,
    QueueModule,
    IdentityModule,
    CatalogueModule,
    CompaniesModule,
    RequestsModule,
    FilesModule,
    LicencesModule,
    ReportsModule,
    CalendarModule,
    WebhooksModule,
    LiveModule,
    TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
  ],
  controllers: [
    AuthController,
    UsersController,
    NotificationsController,
    HealthController,
    MetricsController,
    DepartmentsController,
    HallsController,
    MattersController,
    ItemsController,
    CompaniesController,
    RequestsController,
    EvaluationsController,
    TasksController,
    CalendarsController,
    ReportsController,
    FilesController,
    LicencesController,
    WebhooksController,
    ServiceAccountsController,
    LiveController,
  ],
  providers: [
    RedisHealth,
    DeskMetrics,
    MetricsGuard,
    NotificationsService,
    { provide: APP_GUARD, useClass: AuthGuard },
    // Right after authentication: every authenticated answer, a 403 included, carries the caller's limit.
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {}
