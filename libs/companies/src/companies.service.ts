import { AuditWriter } from '#audit';
import { Clock, insertOrConflict, notFound, validationFailed } from '#common';
import { Company } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { normaliseUscc, usccProblemMessage } from './uscc.js';

export interface CompanyView {
  uscc: string;
  name: string;
}

export interface NewCompany {
  uscc: string;
  name: string;
}

const toCompanyView = (company: Company): CompanyView => ({ uscc: company.uscc, name: company.name });

/** A code as typed (any case, spaces, hyphens) in its stored form, or a 400 naming what is wrong. */
function validUscc(input: string): string {
  const uscc = normaliseUscc(input);
  const problem = usccProblemMessage(uscc);
  if (problem) throw validationFailed(problem);
  return uscc;
}

/** Companies, known by their Unified Social Credit Code. */
@Injectable()
export class CompaniesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor | null, input: NewCompany): Promise<CompanyView> {
    const uscc = validUscc(input.uscc);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const company = manager.create(Company, { uscc, name: input.name, createdAt: this.clock.now() });
      await insertOrConflict(manager.insert(Company, company), `company ${uscc}`);
      const view = toCompanyView(company);
      await this.audit.created(manager, 'company', uscc, actor, view);
      return view;
    });
  }

  /**
   * Staff see any company; an applicant sees only their own. Another company is "not found",
   * exactly like one that does not exist, so an applicant learns nothing about other companies.
   */
  async find(actor: Actor, input: string): Promise<CompanyView> {
    const uscc = validUscc(input);
    if (actor.role === 'applicant' && actor.companyUscc !== uscc) throw notFound(`company ${uscc}`);
    const company = await this.dataSource.getRepository(Company).findOneBy({ uscc });
    if (!company) throw notFound(`company ${uscc}`);
    return toCompanyView(company);
  }
}
