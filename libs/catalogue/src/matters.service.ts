import { AuditWriter } from '#audit';
import { Clock, DEFAULT_PAGE_LIMIT, type Page, validationFailed } from '#common';
import { Department, Matter } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MatterView, NewMatter } from './catalogue.types.js';
import { insertByCode, pageOfTable } from './code-page.js';
import { materialProblems, promisedLimitProblem } from './matter-rules.js';

export const toMatterView = (matter: Matter): MatterView => ({
  code: matter.code,
  name: matter.name,
  departmentCode: matter.departmentCode,
  promisedLimit: matter.promisedLimit,
  legalLimit: matter.legalLimit ?? null,
  materials: matter.materials,
  output: matter.output,
});

/** 事项: one administrative matter of one department, with its materials, limits and output. */
@Injectable()
export class MattersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor | null, input: NewMatter): Promise<MatterView> {
    const problems = materialProblems(input.materials);
    const limits = input.legalLimit ? promisedLimitProblem(input.promisedLimit, input.legalLimit) : null;
    if (limits) problems.unshift(limits);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      // Departments are never deleted, so one that exists now still exists at commit.
      if (!(await manager.existsBy(Department, { code: input.departmentCode }))) {
        problems.push(`department ${input.departmentCode} does not exist`);
      }
      if (problems.length > 0) throw validationFailed(problems);
      const matter = manager.create(Matter, {
        code: input.code,
        name: input.name,
        departmentCode: input.departmentCode,
        promisedLimit: { value: input.promisedLimit.value, unit: input.promisedLimit.unit },
        legalLimit: input.legalLimit ? { value: input.legalLimit.value, unit: input.legalLimit.unit } : null,
        materials: input.materials.map(({ code, name, required, key, licenceKind }) => ({
          code,
          name,
          required,
          key,
          ...(licenceKind ? { licenceKind } : {}),
        })),
        output: {
          kind: input.output.kind,
          name: input.output.name,
          ...(input.output.validForYears ? { validForYears: input.output.validForYears } : {}),
        },
        createdAt: this.clock.now(),
      });
      return insertByCode(manager, this.audit, actor, 'matter', Matter, matter, toMatterView);
    });
  }

  list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<MatterView>> {
    return pageOfTable(this.dataSource, Matter, toMatterView, limit, cursor);
  }
}
