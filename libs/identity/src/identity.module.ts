import { AuditWriter } from '#audit';
import { APP_CONFIG, type AppConfig } from '#config';
import { QueueModule, OutboxWriter } from '#queue';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthService } from './auth.service.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    QueueModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { expiresIn: config.auth.jwtExpiresIn as `${number}h`, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [UsersService, AuthService, AdminBootstrap, OutboxWriter, AuditWriter],
  exports: [UsersService, AuthService, AdminBootstrap],
})
export class IdentityModule {}
