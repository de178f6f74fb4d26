import { CalendarService, isOpenAt, openingHoursProblems, ZONE_CALENDAR_CODE } from '#calendar';
import { HallsService } from '#catalogue';
import { Clock, formatInstant, validationFailed } from '#common';
import type { Actor } from '#identity';
import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Public, Roles } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { AdminCreate, PublicList } from './catalogue-routes.js';
import { CodeParamsDto } from './catalogue.dto.js';
import {
  CreateHallDto,
  HallDto,
  HallPageDto,
  NearbyHallsDto,
  NearbyQueryDto,
  type OpeningHoursDto,
  plainOpeningHours,
  UpdateHallDto,
} from './halls.dto.js';

/** The hours as given, once their ranges are known to be in order and within the day. */
function checkedHours(dto: OpeningHoursDto | undefined) {
  const hours = plainOpeningHours(dto);
  const problems = hours ? openingHoursProblems(hours) : [];
  if (problems.length > 0) throw validationFailed(problems);
  return hours;
}

@ApiTags('catalogue')
@Controller('halls')
export class HallsController {
  constructor(
    private readonly halls: HallsService,
    private readonly calendars: CalendarService,
    private readonly clock: Clock,
  ) {}

  @PublicList(HallPageDto, 'The halls of the 1+5+N network, by code (no login needed)')
  list(@Query() query: PageQueryDto): Promise<HallPageDto> {
    return this.halls.list(query.limit, query.cursor);
  }

  @Public()
  @Get('nearby')
  @ApiOperation({
    summary:
      '一刻钟政务服务圈: the places within radiusKm of a point that take an item in, nearest first, with the distance and whether each is open now (no login needed)',
  })
  @ApiOkResponse({ type: NearbyHallsDto })
  @ApiErrors(400)
  async nearby(@Query() query: NearbyQueryDto): Promise<NearbyHallsDto> {
    const zone = await this.calendars.definition(ZONE_CALENDAR_CODE);
    const now = this.clock.now();
    const found = await this.halls.nearby(query);
    return {
      asOf: formatInstant(now),
      radiusKm: query.radiusKm,
      items: found.items.map(({ openingHours, ...place }) => ({
        ...place,
        openNow: isOpenAt(zone, openingHours, now),
        ...(openingHours ? { openingHours } : {}),
      })),
      truncated: found.truncated,
    };
  }

  @AdminCreate(HallDto, {
    summary:
      'Add a hall (admin): a centre has no parent, a branch sits under a centre, a point under either; optionally its address, coordinates, opening hours and the items it takes in',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateHallDto): Promise<HallDto> {
    return this.halls.create(actor, { ...body, openingHours: checkedHours(body.openingHours) });
  }

  @Patch(':code')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Change a hall (admin): its name, address, coordinates (lat and lng together), opening hours or the items it takes in (the list replaces the old one); the fields left out stay',
  })
  @ApiOkResponse({ type: HallDto })
  @ApiErrors(400, 401, 403, 404)
  update(@CurrentActor() actor: Actor, @Param() params: CodeParamsDto, @Body() body: UpdateHallDto): Promise<HallDto> {
    return this.halls.update(actor, params.code, { ...body, openingHours: checkedHours(body.openingHours) });
  }
}
