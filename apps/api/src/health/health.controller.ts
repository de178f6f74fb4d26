import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../http/decorators.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { RedisHealth } from './redis-health.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisHealth,
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
    try {
      return await this.checkAll();
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
    return this.health.check([
      () => this.db.pingCheck('mysql', { timeout: 1500 }),
      () =>
        this.indicators
          .check('redis')
          .attempt(() => this.redis.ping())
          .withTimeout(1500),
    ]);
  }
}
