import { Clock, validationFailed } from '#common';
import type { Actor } from '#identity';
import {
  addDays,
  backlogTable,
  daysBetween,
  isRealDate,
  zoneToday,
  CONTENT_TYPES,
  overdueTable,
  type ReportFilters,
  type ReportFormat,
  ReportsService,
  type ReportTable,
  satisfactionTable,
  throughputTable,
  toCsv,
  toXlsx,
  turnaroundTable,
} from '#reports';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import {
  OverdueQueryDto,
  PeriodQueryDto,
  ReportFilterQueryDto,
  SatisfactionQueryDto,
  ThroughputQueryDto,
  TurnaroundQueryDto,
} from './reports.dto.js';

/** Ten years: the longest period a report covers in one answer. */
const MAX_PERIOD_DAYS = 3660;

/** The managers' view (API.md, Reports): JSON, or `?format=csv` / `?format=xlsx` to download. */
@ApiTags('reports')
@ApiBearerAuth()
@Roles('manager', 'admin')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly clock: Clock,
  ) {}

  @Get('turnaround')
  @ApiOperation({
    summary:
      'Completed requests (or approved steps) of a period per item, hall, department, step or approver: count, on time, mean, median and p90 working hours (pauses excluded), mean natural days',
  })
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({
    description:
      '{from, to, groupBy, filters, rows:[{key, completed, onTime, onTimeRate, meanWorkingHours, medianWorkingHours, p90WorkingHours, meanElapsedDays}]}',
  })
  @ApiErrors(400, 401, 403)
  async turnaround(
    @CurrentActor() actor: Actor,
    @Query() query: TurnaroundQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const report = await this.reports.turnaround(actor, query.groupBy ?? 'item', this.period(query));
    return this.answer(
      res,
      query.format,
      report,
      () => turnaroundTable(report),
      `turnaround-${report.groupBy}-${report.from}-${report.to}`,
    );
  }

  @Get('backlog')
  @ApiOperation({ summary: 'Open requests now, per status and age since submission' })
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({ description: '{asOf, filters, rows:[{status, total, under1d, 1to3d, 3to7d, 7to15d, over15d}]}' })
  @ApiErrors(400, 401, 403)
  async backlog(
    @CurrentActor() actor: Actor,
    @Query() query: ReportFilterQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const report = await this.reports.backlog(actor, this.filters(query));
    return this.answer(res, query.format, report, () => backlogTable(report), 'backlog');
  }

  @Get('overdue')
  @ApiOperation({
    summary: 'Every clock past its due time now, oldest first, with who holds it (a department or a hall)',
  })
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({
    description:
      '{asOf, filters, total, items:[{requestId, number, itemCode, hallCode, clock, stepKey, holder:{kind, code}, dueAt, overdueWorkingMinutes}], truncated}',
  })
  @ApiErrors(400, 401, 403)
  async overdue(
    @CurrentActor() actor: Actor,
    @Query() query: OverdueQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const download = query.format === 'csv' || query.format === 'xlsx';
    const report = await this.reports.overdue(actor, this.filters(query), query.limit ?? (download ? 5000 : 100));
    return this.answer(res, query.format, report, () => overdueTable(report), 'overdue');
  }

  @Get('satisfaction')
  @ApiOperation({
    summary:
      '好差评 of a period per hall or item: evaluations per score, mean, bad-review rate, and the follow-ups (整改) they opened: closed, closed on time, overdue now',
  })
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({
    description:
      '{from, to, groupBy, filters, total, rows:[{key, evaluations, score1..score5, meanScore, badReviews, badReviewRate, followUpsOpened, followUpsClosed, followUpsClosedOnTime, followUpOnTimeRate, followUpsOverdue}]}',
  })
  @ApiErrors(400, 401, 403)
  async satisfaction(
    @CurrentActor() actor: Actor,
    @Query() query: SatisfactionQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const report = await this.reports.satisfaction(actor, query.groupBy ?? 'hall', this.period(query));
    return this.answer(
      res,
      query.format,
      report,
      () => satisfactionTable(report),
      `satisfaction-${report.groupBy}-${report.from}-${report.to}`,
    );
  }

  @Get('throughput')
  @ApiOperation({ summary: 'Requests submitted, accepted, completed, denied, refused and withdrawn per day or week' })
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  @ApiOkResponse({
    description:
      '{from, to, interval, filters, rows:[{period, submitted, accepted, completed, denied, refused, withdrawn}]}',
  })
  @ApiErrors(400, 401, 403)
  async throughput(
    @CurrentActor() actor: Actor,
    @Query() query: ThroughputQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const report = await this.reports.throughput(actor, query.interval ?? 'day', this.period(query));
    return this.answer(
      res,
      query.format,
      report,
      () => throughputTable(report),
      `throughput-${report.interval}-${report.from}-${report.to}`,
    );
  }

  private filters(query: ReportFilterQueryDto): Omit<ReportFilters, 'from' | 'to'> {
    return { hallCode: query.hallCode, departmentCode: query.departmentCode, itemCode: query.itemCode };
  }

  private period(query: PeriodQueryDto): ReportFilters {
    const problems: string[] = [];
    for (const [name, value] of [
      ['from', query.from],
      ['to', query.to],
    ] as const) {
      if (value !== undefined && !isRealDate(value)) problems.push(`${name} ${value} is not a date of the calendar`);
    }
    if (problems.length > 0) throw validationFailed(problems);
    const to = query.to ?? zoneToday(this.clock.now());
    const from = query.from ?? addDays(to, -29);
    const days = daysBetween(from, to);
    if (days < 0) throw validationFailed(`from ${from} is after to ${to}`);
    if (days >= MAX_PERIOD_DAYS) throw validationFailed(`a report covers at most ${MAX_PERIOD_DAYS} days`);
    return { from, to, ...this.filters(query) };
  }

  private async answer(
    res: Response,
    format: ReportFormat | undefined,
    report: object,
    table: () => ReportTable,
    name: string,
  ) {
    if (format === undefined || format === 'json') return report;
    const body = format === 'csv' ? toCsv(table()) : await toXlsx(table());
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
    res.send(body);
    return undefined;
  }
}
