import { Global, Module } from '@nestjs/common';
import { loadConfig, type AppConfig } from './environment.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Validated configuration, read from the environment once per process. */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: (): AppConfig => loadConfig() }],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
