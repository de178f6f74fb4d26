import { AuditWriter } from '#audit';
import { APP_CONFIG, type AppConfig } from '#config';
import { QueueModule, OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthService } from './auth.service.js';
import { CallerLimits } from './caller-limits.js';
import { LoginLimits } from './login-limits.js';
import { ServiceAccountsService } from './service-accounts.service.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    QueueModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not a string: given a string, jsonwebtoken first tries it as a public key and
        // pays for the thrown error on every verification (measured: 8% of the api's CPU under load).
        secret: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')),
        signOptions: { expiresIn: config.auth.jwtExpiresIn as `${number}h`, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    UsersService,
    AuthService,
    ServiceAccountsService,
    AdminBootstrap,
    LoginLimits,
    CallerLimits,
    OutboxWriter,
    AuditWriter,
  ],
  exports: [UsersService, AuthService, ServiceAccountsService, AdminBootstrap, CallerLimits],
})
export class IdentityModule {}
