import { CODE_PATTERN } from '#catalogue';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '#database';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCode } from '../catalogue/catalogue.dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

const ID_PATTERN = /^[1-9]\d{0,18}$/;
const EVENT_PATTERN = /^(\*|[a-z-]{1,30}\.(\*|[a-z-]{1,40}))$/;

export class CreateWebhookSubscriptionDto {
  @ApiProperty({
    example: 'https://tax.example.gov.cn/one-thing/events',
    maxLength: 2000,
    description:
      'http or https; refused when it resolves to a loopback, private, link-local or metadata address (unless its host is in WEBHOOK_ALLOWED_HOSTS)',
  })
  @IsString({ message: 'url must be an absolute http or https address' })
  @MaxLength(2000, { message: 'url must be at most 2000 characters' })
  url: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', pattern: EVENT_PATTERN.source },
    example: ['step.*', 'request.completed'],
    minItems: 1,
    maxItems: 30,
    description: '`*`, a family (`request.*`, `step.*`, `sla.*`, `follow-up.*`, `licence.*`) or an exact type',
  })
  @IsArray({ message: 'events must be a list of event types or patterns' })
  @ArrayMinSize(1, { message: 'events must name at least one event type or pattern' })
  @ArrayMaxSize(30, { message: 'events must name at most 30 event types or patterns' })
  @IsString({ each: true, message: 'events must be a list of event types or patterns' })
  @Matches(EVENT_PATTERN, {
    each: true,
    message: 'events must be types such as step.approved or patterns such as step.*',
  })
  events: string[];

  @ApiPropertyOptional({
    example: 'TAX',
    pattern: CODE_PATTERN.source,
    description: "only the events of this department's steps, and of the requests it has a step in",
  })
  @IsOptional()
  @IsCode()
  departmentCode?: string;

  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    maxLength: 100,
    description: 'Standard Webhooks secret (`whsec_` + base64 of 24 to 64 bytes); made for you when left out',
  })
  @IsOptional()
  @IsString({ message: 'secret must be whsec_ followed by the base64 of 24 to 64 random bytes' })
  @MaxLength(100, { message: 'secret must be whsec_ followed by the base64 of 24 to 64 random bytes' })
  secret?: string;
}

export class WebhookSubscriptionDto {
  @ApiProperty({ example: '3' }) id: string;
  @ApiProperty({ example: 'https://tax.example.gov.cn/one-thing/events' }) url: string;
  @ApiProperty({ type: [String], example: ['step.*'] }) events: string[];
  @ApiProperty({ type: String, nullable: true, example: 'TAX' }) departmentCode: string | null;
  @ApiProperty({ description: 'false once disabled by an admin or by a 410 from the receiver' }) active: boolean;
  @ApiProperty({ type: String, nullable: true }) disabledReason: string | null;
  @ApiProperty({ example: '2026-12-07T09:00:00.000+08:00' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true }) disabledAt: string | null;
}

export class CreatedWebhookSubscriptionDto extends WebhookSubscriptionDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'the signing secret, shown this once (kept encrypted, never listed)',
  })
  secret: string;
}

export class WebhookSubscriptionPageDto {
  @ApiProperty({ type: [WebhookSubscriptionDto] }) items: WebhookSubscriptionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class WebhookAttemptDto {
  @ApiProperty({ example: '2026-12-07T09:00:01.000+08:00' }) attemptedAt: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null: no answer (refused, timed out)' })
  statusCode: number | null;
  @ApiProperty({ example: 42 }) latencyMs: number;
  @ApiProperty({ type: String, nullable: true, description: "the answer's first 500 characters" })
  responseExcerpt: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ example: '3' }) subscriptionId: string;
  @ApiProperty({ example: 'msg_1234_1796000000000', description: 'the webhook-id header and the body’s id' })
  messageId: string;
  @ApiProperty({ example: 'step.approved' }) eventType: string;
  @ApiProperty({ example: '42' }) requestId: string;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES }) status: string;
  @ApiProperty({ type: [WebhookAttemptDto], description: 'its latest attempts, oldest first' })
  attempts: WebhookAttemptDto[];
  @ApiProperty({ example: '2026-12-07T09:00:00.000+08:00' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt: string | null;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items: WebhookDeliveryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class WebhookDeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES, { message: 'status must be one of pending, delivered, failed' })
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ example: '3', pattern: ID_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: 'subscriptionId must be the id of a webhook subscription' })
  subscriptionId?: string;
}

export class SubscriptionIdParamsDto {
  @ApiProperty({ example: '3', pattern: ID_PATTERN.source })
  @IsString()
  @Matches(ID_PATTERN, { message: 'subscriptionId must be the id of a webhook subscription' })
  subscriptionId: string;
}

export class DeliveryIdParamsDto {
  @ApiProperty({ example: '17', pattern: ID_PATTERN.source })
  @IsString()
  @Matches(ID_PATTERN, { message: 'deliveryId must be the id of a webhook delivery' })
  deliveryId: string;
}
