import { APP_CONFIG, type AppConfig } from '#config';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions } from './data-source-options.js';
import { ReplicaHeartbeat } from './replica-heartbeat.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...buildDataSourceOptions(config), retryAttempts: 0 }),
    }),
  ],
  providers: [ReplicaHeartbeat],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
