import { DomainError } from '#common';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { BacklogQuery } from './backlog-query.js';
import { OVERDUE_DEFAULT_LIMIT, OverdueQuery } from './overdue-query.js';
import { ReportReads } from './report-reads.js';
import type {
  BacklogReport,
  Fresh,
  OverdueReport,
  ReportFilters,
  SatisfactionGroup,
  SatisfactionReport,
  ThroughputInterval,
  ThroughputReport,
  TurnaroundGroup,
  TurnaroundReport,
} from './reports.types.js';
import { SatisfactionQuery } from './satisfaction-query.js';
import { ThroughputQuery } from './throughput-query.js';
import { TurnaroundQuery } from './turnaround-query.js';

/**
 * The managers' reports (docs/design.md, Reports): the filters a manager may ask for, then the
 * report's own query, one file each (turnaround-query.ts, backlog-query.ts, overdue-query.ts,
 * throughput-query.ts, satisfaction-query.ts). Turnaround, throughput and satisfaction read the
 * tables kept for them; backlog and the overdue list read the open requests and clocks as they
 * are now. Their tables for CSV and XLSX are in report-tables.ts and formats.ts. Each reads
 * where ReportReads sends it (a replica when there are any) and says how fresh that is.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly turnarounds: TurnaroundQuery,
    private readonly backlogs: BacklogQuery,
    private readonly overdues: OverdueQuery,
    private readonly throughputs: ThroughputQuery,
    private readonly satisfactions: SatisfactionQuery,
    private readonly reads: ReportReads,
  ) {}

  /** A manager bound to a hall or a department reports on it only; asking for another is a 403. */
  scoped(actor: Actor, filters: ReportFilters): ReportFilters {
    const out = { ...filters };
    if (actor.role === 'manager' && actor.hallCode) {
      if (filters.hallCode && filters.hallCode !== actor.hallCode) {
        throw new DomainError('Forbidden', `a manager of hall ${actor.hallCode} reports on that hall only`);
      }
      out.hallCode = actor.hallCode;
    }
    if (actor.role === 'manager' && actor.departmentCode) {
      if (filters.departmentCode && filters.departmentCode !== actor.departmentCode) {
        throw new DomainError(
          'Forbidden',
          `a manager of department ${actor.departmentCode} reports on that department only`,
        );
      }
      out.departmentCode = actor.departmentCode;
    }
    return out;
  }

  async turnaround(actor: Actor, groupBy: TurnaroundGroup, filters: ReportFilters): Promise<Fresh<TurnaroundReport>> {
    const scoped = this.scoped(actor, filters);
    return this.reads.read((db) => this.turnarounds.run(db, groupBy, scoped));
  }

  async backlog(actor: Actor, filters: Omit<ReportFilters, 'from' | 'to'>): Promise<Fresh<BacklogReport>> {
    const scoped = this.scoped(actor, { from: '', to: '', ...filters });
    return this.reads.read((db) => this.backlogs.run(db, scoped));
  }

  async overdue(
    actor: Actor,
    filters: Omit<ReportFilters, 'from' | 'to'>,
    limit = OVERDUE_DEFAULT_LIMIT,
  ): Promise<Fresh<OverdueReport>> {
    const scoped = this.scoped(actor, { from: '', to: '', ...filters });
    return this.reads.read((db) => this.overdues.run(db, scoped, limit));
  }

  async throughput(
    actor: Actor,
    interval: ThroughputInterval,
    filters: ReportFilters,
  ): Promise<Fresh<ThroughputReport>> {
    const scoped = this.scoped(actor, filters);
    return this.reads.read((db) => this.throughputs.run(db, interval, scoped));
  }

  /** 好差评 and the follow-ups (整改) bad reviews opened. */
  async satisfaction(
    actor: Actor,
    groupBy: SatisfactionGroup,
    filters: ReportFilters,
  ): Promise<Fresh<SatisfactionReport>> {
    const scoped = this.scoped(actor, filters);
    return this.reads.read((db) => this.satisfactions.run(db, groupBy, scoped));
  }
}
