import { CalendarService } from '#calendar';
import type { Actor } from '#identity';
import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import {
  CalendarDayDto,
  CalendarDayParamsDto,
  CalendarParamsDto,
  DaysQueryDto,
  DueDto,
  DueQueryDto,
  SetDayDto,
} from './calendars.dto.js';

/** 工作日历: working days, official holidays and 调休 workdays, and the due-time arithmetic of the SLA. */
@ApiTags('calendars')
@ApiBearerAuth()
@Controller('calendars')
export class CalendarsController {
  constructor(private readonly calendars: CalendarService) {}

  @Get(':code/days')
  @ApiOperation({ summary: 'The dates from `from` to `to`: working or not, with the name of a holiday or 调休 day' })
  @ApiOkResponse({ type: [CalendarDayDto] })
  @ApiErrors(400, 401, 404)
  days(@Param() params: CalendarParamsDto, @Query() query: DaysQueryDto): Promise<CalendarDayDto[]> {
    return this.calendars.days(params.code, query.from, query.to);
  }

  @Put(':code/days/:date')
  @Roles('admin')
  @ApiOperation({ summary: 'Make a date a holiday or an adjusted workday (admin); audited' })
  @ApiOkResponse({ type: CalendarDayDto })
  @ApiErrors(400, 401, 403, 404)
  setDay(
    @CurrentActor() actor: Actor,
    @Param() params: CalendarDayParamsDto,
    @Body() body: SetDayDto,
  ): Promise<CalendarDayDto> {
    return this.calendars.setDay(actor, params.code, params.date, body);
  }

  @Get(':code/due')
  @ApiOperation({ summary: 'When a limit started at `from` falls due on this calendar (the arithmetic the SLA uses)' })
  @ApiOkResponse({ type: DueDto })
  @ApiErrors(400, 401, 404)
  due(@Param() params: CalendarParamsDto, @Query() query: DueQueryDto): Promise<DueDto> {
    return this.calendars.due(params.code, new Date(query.from), { value: query.value, unit: query.unit });
  }
}
