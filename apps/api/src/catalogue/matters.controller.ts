import { MattersService } from '#catalogue';
import type { Actor } from '#identity';
import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { AdminCreate, PublicList } from './catalogue-routes.js';
import { CreateMatterDto, MatterDto, MatterPageDto } from './matters.dto.js';

@ApiTags('catalogue')
@Controller('matters')
export class MattersController {
  constructor(private readonly matters: MattersService) {}

  @PublicList(MatterPageDto, 'The matters with their materials, limits and outputs, by code (no login needed)')
  list(@Query() query: PageQueryDto): Promise<MatterPageDto> {
    return this.matters.list(query.limit, query.cursor);
  }

  @AdminCreate(MatterDto, {
    summary: 'Add a matter (admin): its promised limit may not exceed its legal limit; each material code once',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateMatterDto): Promise<MatterDto> {
    return this.matters.create(actor, body);
  }
}
