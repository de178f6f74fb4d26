import { Clock, validationFailed } from '#common';
import type { Actor } from '#identity';
import {
  addDays,
  backlogTable,
  daysBetween,
  isRealDate,
  zoneToday,
  CONTENT_TYPES,
  type CodeKind,
  loadNameBook,
  localiseTable,
  reportLanguage,
  overdueTable,
  REPORT_SOURCES,
  type ReportFreshness,
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
import { applyDecorators, Controller, Get, Query, Res, type Type } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import {
  OverdueQueryDto,
  PeriodQueryDto,
  ReportFilterQueryDto,
  SatisfactionQueryDto,
  SatisfactionReportDto,
  ThroughputQueryDto,
  ThroughputReportDto,
  TurnaroundQueryDto,
  TurnaroundReportDto,
  BacklogReportDto,
  OverdueReportDto,
} from './reports.dto.js';

/**
 * What a download is bounded by, in characters: the longest table (the overdue report's 5,000 rows, or a
 * throughput of 3,660 days) of short cells.
 */
const MAX_DOWNLOAD_CHARS = 16 * 1024 * 1024;

/** Ten years: the longest period a report covers in one answer. */
const MAX_PERIOD_DAYS = 3660;

/** A report's GET: JSON, or a download in the formats of CONTENT_TYPES; the managers' and admins' only. */
const ReportRoute = (path: string, summary: string, rows: string, report: Type) =>
  applyDecorators(
    Get(path),
    ApiOperation({ summary }),
    ApiExtraModels(report),
    ApiOkResponse({
      description: `${rows}, and freshness:{source, asOf, lagSeconds} (where it was read, how fresh); as a table with \`?format=csv\` (UTF-8 with BOM) or \`?format=xlsx\` (Content-Language names its language)`,
      headers: {
        'Content-Language': {
          description: 'the language of a download (zh-CN or en)',
          schema: { type: 'string', enum: ['zh-CN', 'en'] },
        },
        'X-Report-Source': {
          description: 'a download’s `freshness.source`: where it was read (primary, replica, primary-fallback)',
          schema: { type: 'string', enum: [...REPORT_SOURCES] },
        },
        'X-Report-As-Of': {
          description: 'a download’s `freshness.asOf`: every change committed up to this instant is in it',
          schema: { type: 'string', format: 'date-time', maxLength: 40 },
        },
      },
      content: {
        'application/json': { schema: { $ref: getSchemaPath(report) } },
        [CONTENT_TYPES.csv.split(';')[0]]: { schema: { type: 'string', maxLength: MAX_DOWNLOAD_CHARS } },
        [CONTENT_TYPES.xlsx]: { schema: { type: 'string', format: 'binary', maxLength: MAX_DOWNLOAD_CHARS } },
      },
    }),
    ApiErrors(400, 401, 403),
  );

/** The managers' view (docs/design.md, Reports): JSON, or `?format=csv` / `?format=xlsx` to download. */
@ApiTags('reports')
@ApiBearerAuth()
@Roles('manager', 'admin')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @ReportRoute(
    'turnaround',
    'Completed requests (or approved steps) of a period per item, hall, department, step or approver: count, on time against the promise, within the legal limit (法定时限; a request: each of its steps), mean, median and p90 working hours (pauses excluded), mean natural days',
    '{from, to, groupBy, filters, rows:[{key, completed, onTime, onTimeRate, legalOnTime, legalBreached, legalOnTimeRate, meanWorkingHours, medianWorkingHours, p90WorkingHours, meanElapsedDays}]}',
    TurnaroundReportDto,
  )
  async turnaround(
    @CurrentActor() actor: Actor,
    @Query() query: TurnaroundQueryDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const report = await this.reports.turnaround(actor, query.groupBy ?? 'item', this.period(query));
    const kind: CodeKind | undefined = (['item', 'department', 'hall'] as const).find((g) => g === report.groupBy);
    return this.answer(
      res,
      query,
      report,
      () => turnaroundTable(report),
      kind ? { key: kind } : {},
      `turnaround-${report.groupBy}-${report.from}-${report.to}`,
    );
  }

  @ReportRoute(
    'backlog',
    'Open requests now, per status and age since submission',
    '{asOf, filters, rows:[{status, total, under1d, 1to3d, 3to7d, 7to15d, over15d}]}',
    BacklogReportDto,
  )
  async backlog(
    @CurrentActor() actor: Actor,
    @Query() query: ReportFilterQueryDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const report = await this.reports.backlog(actor, this.filters(query));
    return this.answer(res, query, report, () => backlogTable(report), {}, 'backlog');
  }

  @ReportRoute(
    'overdue',
    'Every clock past its due time now, oldest first, with who holds it (a department or a hall)',
    '{asOf, filters, total, items:[{requestId, number, itemCode, hallCode, clock, stepKey, holder:{kind, code}, dueAt, overdueWorkingMinutes}], truncated}',
    OverdueReportDto,
  )
  async overdue(
    @CurrentActor() actor: Actor,
    @Query() query: OverdueQueryDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const download = query.format === 'csv' || query.format === 'xlsx';
    const report = await this.reports.overdue(actor, this.filters(query), query.limit ?? (download ? 5000 : 100));
    return this.answer(
      res,
      query,
      report,
      () => overdueTable(report),
      {
        itemCode: 'item',
        hallCode: 'hall',
        holderCode: (row) => (row.holderKind === 'department' ? 'department' : 'hall'),
      },
      'overdue',
    );
  }

  @ReportRoute(
    'satisfaction',
    '好差评 of a period per hall or item: evaluations per score, mean, bad-review rate, and the follow-ups (整改) they opened: closed, closed on time, overdue now',
    '{from, to, groupBy, filters, total, rows:[{key, evaluations, score1..score5, meanScore, badReviews, badReviewRate, followUpsOpened, followUpsClosed, followUpsClosedOnTime, followUpOnTimeRate, followUpsOverdue}]}',
    SatisfactionReportDto,
  )
  async satisfaction(
    @CurrentActor() actor: Actor,
    @Query() query: SatisfactionQueryDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const report = await this.reports.satisfaction(actor, query.groupBy ?? 'hall', this.period(query));
    return this.answer(
      res,
      query,
      report,
      () => satisfactionTable(report),
      { key: report.groupBy },
      `satisfaction-${report.groupBy}-${report.from}-${report.to}`,
    );
  }

  @ReportRoute(
    'throughput',
    'Requests submitted, accepted, completed, denied, refused and withdrawn per day or week',
    '{from, to, interval, filters, rows:[{period, submitted, accepted, completed, denied, refused, withdrawn}]}',
    ThroughputReportDto,
  )
  async throughput(
    @CurrentActor() actor: Actor,
    @Query() query: ThroughputQueryDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const report = await this.reports.throughput(actor, query.interval ?? 'day', this.period(query));
    return this.answer(
      res,
      query,
      report,
      () => throughputTable(report),
      {},
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

  /**
   * The report as JSON, or as a download in the reader's language (`?lang=`, else Accept-Language,
   * else zh-CN) with the names of items, departments and halls beside their codes (`codes`).
   */
  private async answer(
    res: FastifyReply,
    query: { format?: ReportFormat; lang?: string },
    report: { freshness: ReportFreshness },
    table: () => ReportTable,
    codes: Parameters<typeof localiseTable>[3],
    name: string,
  ) {
    const format = query.format;
    if (format === undefined || format === 'json') return report;
    const lang = reportLanguage(query.lang, res.request.headers['accept-language']);
    const localised = localiseTable(table(), lang, await loadNameBook(this.dataSource), codes);
    const body = format === 'csv' ? toCsv(localised) : await toXlsx(localised);
    res.header('Content-Language', lang);
    res.header('X-Report-Source', report.freshness.source);
    res.header('X-Report-As-Of', report.freshness.asOf);
    res.header('Content-Type', CONTENT_TYPES[format]);
    res.header('Content-Disposition', `attachment; filename="${name}.${format}"`);
    return body;
  }
}
