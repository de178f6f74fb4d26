import type { Actor } from '#identity';
import { WebhooksService } from '#webhooks';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import {
  CreatedWebhookSubscriptionDto,
  CreateWebhookSubscriptionDto,
  DeliveryIdParamsDto,
  SubscriptionIdParamsDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDeliveryQueryDto,
  WebhookSubscriptionDto,
  WebhookSubscriptionPageDto,
} from './webhooks.dto.js';

/** Signed webhooks out (admin): the departments' systems subscribe to the desk's events. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('webhook-subscriptions')
  @ApiOperation({
    summary: 'Subscribe a URL to events (admin); the signing secret is answered this once',
    description: 'The URL is resolved and refused when it reaches a loopback, private, link-local or metadata address.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookSubscriptionDto })
  @ApiErrors(400, 401, 403, 404)
  create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateWebhookSubscriptionDto,
  ): Promise<CreatedWebhookSubscriptionDto> {
    return this.webhooks.create(actor, body);
  }

  @Get('webhook-subscriptions')
  @ApiOperation({ summary: 'The webhook subscriptions (admin), newest first, without their secrets' })
  @ApiOkResponse({ type: WebhookSubscriptionPageDto })
  @ApiErrors(400, 401, 403)
  list(@Query() query: PageQueryDto): Promise<WebhookSubscriptionPageDto> {
    return this.webhooks.list(query.limit, query.cursor);
  }

  @Post('webhook-subscriptions/:subscriptionId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a subscription (admin): nothing more is sent to it' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  @ApiErrors(400, 401, 403, 404, 409)
  disable(@CurrentActor() actor: Actor, @Param() params: SubscriptionIdParamsDto): Promise<WebhookSubscriptionDto> {
    return this.webhooks.disable(actor, params.subscriptionId);
  }

  @Get('webhook-deliveries')
  @ApiOperation({ summary: 'Webhook deliveries (admin), newest first, with their attempts; ?status=failed' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiErrors(400, 401, 403)
  deliveries(@Query() query: WebhookDeliveryQueryDto): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.deliveries(query);
  }

  @Post('webhook-deliveries/:deliveryId/resend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a finished delivery again (admin): a new series of attempts' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiErrors(400, 401, 403, 404, 409)
  resend(@CurrentActor() actor: Actor, @Param() params: DeliveryIdParamsDto): Promise<WebhookDeliveryDto> {
    return this.webhooks.resend(actor, params.deliveryId);
  }
}
