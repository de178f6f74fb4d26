import { AuditWriter } from '#audit';
import { Clock, DEFAULT_PAGE_LIMIT, insertOrConflict, type Page, validationFailed } from '#common';
import { Department, type JsonObject, Matter } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MatterView, NewMatter } from './catalogue.types.js';
import { pageByCode } from './code-page.js';
import { materialProblems, promisedLimitProblem } from './matter-rules.js';

export const toMatterView = (matter: Matter): MatterView => ({
  code: matter.code,
  name: matter.name,
  departmentCode: matter.departmentCode,
  promisedLimit: matter.promisedLimit,
  legalLimit: matter.legalLimit,
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
    const limits = promisedLimitProblem(input.promisedLimit, input.legalLimit);
    if (limits) problems.unshift(limits);
    return this.dataSource.transaction(async (manager) => {
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
        legalLimit: { value: input.legalLimit.value, unit: input.legalLimit.unit },
        materials: input.materials.map(({ code, name, required, key }) => ({ code, name, required, key })),
        output: { kind: input.output.kind, name: input.output.name },
        createdAt: this.clock.now(),
      });
      await insertOrConflict(manager.insert(Matter, matter), `matter ${input.code}`);
      const view = toMatterView(matter);
      await this.audit.append(manager, {
        subjectType: 'matter',
        subjectId: matter.code,
        action: 'matter.created',
        actor,
        payload: view as unknown as JsonObject,
      });
      return view;
    });
  }

  list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<MatterView>> {
    return pageByCode(
      this.dataSource.getRepository(Matter).createQueryBuilder('m'),
      { column: 'm.code', codeOf: (m) => m.code, limit, cursor },
      toMatterView,
    );
  }
}
