import { APP_CONFIG, type AppConfig } from '#config';
import { User } from '#database';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UsersService } from './users.service.js';

/**
 * On an empty database the start creates user `admin` with ADMIN_PASSWORD (README.md, Run it).
 * Outside production the documented demo password stands in when it is unset, with a warning;
 * in production the configuration refuses to load without it.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
  }

  /** Returns true when it created the admin. Safe when several api processes start at once. */
  async ensureAdmin(): Promise<boolean> {
    if ((await this.dataSource.getRepository(User).count()) > 0) return false;
    const { adminPassword, adminPasswordIsDemo } = this.config.auth;
    if (adminPasswordIsDemo) {
      this.logger.warn(
        'ADMIN_PASSWORD is not set: user admin gets the documented demo password; set ADMIN_PASSWORD before real use',
      );
    }
    try {
      await this.users.create(null, { username: 'admin', password: adminPassword, role: 'admin' });
    } catch (error) {
      if ((error as { code?: string }).code === 'AlreadyExists') return false;
      throw error;
    }
    this.logger.log('created user admin on an empty database');
    return true;
  }
}
