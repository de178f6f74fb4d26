import { HallsService } from '#catalogue';
import type { Actor } from '#identity';
import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Public, Roles } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { CreateHallDto, HallDto, HallPageDto } from './halls.dto.js';

@ApiTags('catalogue')
@Controller('halls')
export class HallsController {
  constructor(private readonly halls: HallsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The halls of the 1+5+N network, by code (no login needed)' })
  @ApiOkResponse({ type: HallPageDto })
  @ApiErrors(400)
  list(@Query() query: PageQueryDto): Promise<HallPageDto> {
    return this.halls.list(query.limit, query.cursor);
  }

  @Post()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Add a hall (admin): a centre has no parent, a branch sits under a centre, a point under either',
  })
  @ApiCreatedResponse({ type: HallDto })
  @ApiErrors(400, 401, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateHallDto): Promise<HallDto> {
    return this.halls.create(actor, body);
  }
}
