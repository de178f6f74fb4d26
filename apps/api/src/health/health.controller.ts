import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Public } from '../http/decorators.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { DeskMetrics } from '../metrics/desk-metrics.js';
import { RedisHealth } from './redis-health.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisHealth,
    private readonly metrics: DeskMetrics,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: '200 when MySQL and Redis answer' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'message names the service that does not answer; details has each check',
  })
  async check() {
    return this.answer(() => this.checkAll());
  }

  /**
   * Readiness, as an orchestrator asks before sending traffic: MySQL and Redis answer, every
   * migration of this build is applied, and a worker beat within the last 30 s (without one, nothing
   * relays the outbox or fires the timers).
   */
  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: '200 when MySQL and Redis answer, the migrations are applied and a worker is alive' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'message names what is not ready; details has each check',
  })
  async ready() {
    return this.answer(() =>
      this.health.check([
        ...this.probes(),
        async () => {
          const indicator = this.indicators.check('migrations');
          const pending = await this.dataSource.showMigrations().catch(() => null);
          if (pending === null) return indicator.down({ message: 'the migrations table could not be read' });
          return pending
            ? indicator.down({ message: 'migrations are pending: run npm run migration:run' })
            : indicator.up();
        },
        async () => {
          const indicator = this.indicators.check('worker');
          const alive = await this.metrics.workersAlive().catch(() => null);
          if (alive === null) return indicator.down({ message: 'the workers’ heartbeats could not be read' });
          return alive.length > 0
            ? indicator.up({ alive: alive.length })
            : indicator.down({ message: 'no worker beat in the last 30 s: start one with npm run start:worker' });
        },
      ]),
    );
  }

  private async answer(run: () => Promise<HealthCheckResult>) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      // The error body of the api ({statusCode, error, message}) naming what is down, with terminus' details.
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({
        message: `${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`,
        status: result.status,
        info: result.info,
        details: result.details,
      });
    }
  }

  private checkAll() {
    return this.health.check(this.probes());
  }

  private probes() {
    return [
      () => this.db.pingCheck('mysql', { timeout: 1500 }),
      () =>
        this.indicators
          .check('redis')
          .attempt(() => this.redis.ping())
          .withTimeout(1500),
    ];
  }
}
