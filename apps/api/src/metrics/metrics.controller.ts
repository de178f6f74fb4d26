import { METRICS_CONTENT_TYPE } from '#platform';
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../http/decorators.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { DeskMetrics } from './desk-metrics.js';
import { MetricsGuard } from './metrics.guard.js';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: DeskMetrics) {}

  // Public to the token guard of the api: MetricsGuard takes the metrics token as well as an admin's.
  @Public()
  @UseGuards(MetricsGuard)
  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @ApiBearerAuth()
  // Not under the per-caller rate limit: a scraper with the metrics token is no caller the limiter knows.
  @ApiExtension('x-rate-limited', false)
  @ApiOperation({
    summary: 'Prometheus metrics of this api process and of the desk (METRICS_TOKEN or an admin token)',
  })
  @ApiOkResponse({
    description: 'the Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string', maxLength: 10_000_000 } } },
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'no token, or neither the metrics token nor a valid one',
  })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'signed in, but not an admin' })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
