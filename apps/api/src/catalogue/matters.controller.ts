import { MattersService } from '#catalogue';
import type { Actor } from '#identity';
import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Public, Roles } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { CreateMatterDto, MatterDto, MatterPageDto } from './matters.dto.js';

@ApiTags('catalogue')
@Controller('matters')
export class MattersController {
  constructor(private readonly matters: MattersService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The matters with their materials, limits and outputs, by code (no login needed)' })
  @ApiOkResponse({ type: MatterPageDto })
  @ApiErrors(400)
  list(@Query() query: PageQueryDto): Promise<MatterPageDto> {
    return this.matters.list(query.limit, query.cursor);
  }

  @Post()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Add a matter (admin): its promised limit may not exceed its legal limit; each material code once',
  })
  @ApiCreatedResponse({ type: MatterDto })
  @ApiErrors(400, 401, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateMatterDto): Promise<MatterDto> {
    return this.matters.create(actor, body);
  }
}
