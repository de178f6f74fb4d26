import { CatalogueService } from '#catalogue';
import type { Actor } from '#identity';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Public, Roles } from '../http/decorators.js';
import { AdminCreate, PublicList } from './catalogue-routes.js';
import { CodeParamsDto, VersionParamsDto } from './catalogue.dto.js';
import { CreateItemDto, ItemListQueryDto, ItemSummaryPageDto, ItemVersionDto, PublishedItemDto } from './items.dto.js';

@ApiTags('catalogue')
@Controller('items')
export class ItemsController {
  constructor(private readonly catalogue: CatalogueService) {}

  @PublicList(
    ItemSummaryPageDto,
    'The published items, latest version of each, by code, of one life-cycle stage and matching a search when asked (no login needed)',
  )
  list(@Query() query: ItemListQueryDto): Promise<ItemSummaryPageDto> {
    return this.catalogue.listPublished(query.limit, query.cursor, { stage: query.stage, q: query.q });
  }

  @AdminCreate(ItemVersionDto, {
    summary: 'Define an item (admin): makes a draft version, v1 for a new code, then the next number',
    description:
      'The steps form a DAG over existing matters; each step keeps a snapshot of its matter. ' +
      'An empty step list, a duplicate or unknown key, a self-dependency, a cycle or an unknown matter is a 400 naming it.',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateItemDto): Promise<ItemVersionDto> {
    return this.catalogue.createDraft(actor, body);
  }

  @Public()
  @Get(':code')
  @ApiOperation({ summary: 'The latest published version of an item, with its steps and 一张清单 (no login needed)' })
  @ApiOkResponse({ type: PublishedItemDto })
  @ApiErrors(400, 404)
  get(@Param() params: CodeParamsDto): Promise<PublishedItemDto> {
    return this.catalogue.publishedItem(params.code);
  }

  @Get(':code/versions/:version')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'One version of an item, draft or published (admin)' })
  @ApiOkResponse({ type: ItemVersionDto })
  @ApiErrors(400, 401, 403, 404)
  version(@Param() params: VersionParamsDto): Promise<ItemVersionDto> {
    return this.catalogue.version(params.code, params.version);
  }

  @Post(':code/versions/:version/publish')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Publish a draft version (admin); a published version never changes again' })
  @ApiOkResponse({ type: ItemVersionDto })
  @ApiErrors(400, 401, 403, 404, 409)
  publish(@CurrentActor() actor: Actor, @Param() params: VersionParamsDto): Promise<ItemVersionDto> {
    return this.catalogue.publish(actor, params.code, params.version);
  }
}
