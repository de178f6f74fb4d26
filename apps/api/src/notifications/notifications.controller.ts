import type { Actor } from '#identity';
import { NotificationsService } from '#notifications';
import { preferredLanguage } from '#common';
import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AcceptLanguage, CurrentActor } from '../http/decorators.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { PageQueryDto } from '../http/page-query.dto.js';

class NotificationDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'user.created' }) kind: string;
  @ApiProperty() message: string;
  @ApiProperty({ example: '2026-11-26T17:05:00.000+08:00' }) createdAt: string;
}

class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

@ApiTags('notifications')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiHeader({
    name: 'Accept-Language',
    required: false,
    // Node reads at most 16 KiB of headers in all.
    schema: { type: 'string', maxLength: 16384 },
    description: 'en for English; Chinese (zh-CN) otherwise',
  })
  @ApiOperation({ summary: "The signed-in user's inbox, newest first" })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: PageQueryDto,
    @AcceptLanguage() acceptLanguage?: string,
  ): Promise<NotificationPageDto> {
    return this.notifications.list(actor.id, query.limit, query.cursor, preferredLanguage(undefined, acceptLanguage));
  }
}
