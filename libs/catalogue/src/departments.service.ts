import { AuditWriter } from '#audit';
import { Clock, DEFAULT_PAGE_LIMIT, insertOrConflict, type Page } from '#common';
import { Department } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DepartmentView, NewDepartment } from './catalogue.types.js';
import { pageByCode } from './code-page.js';

export const toDepartmentView = (department: Department): DepartmentView => ({
  code: department.code,
  name: department.name,
});

/** 部门: the departments that own matters and approve their steps. */
@Injectable()
export class DepartmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor | null, input: NewDepartment): Promise<DepartmentView> {
    return this.dataSource.transaction(async (manager) => {
      const department = manager.create(Department, {
        code: input.code,
        name: input.name,
        createdAt: this.clock.now(),
      });
      await insertOrConflict(manager.insert(Department, department), `department ${input.code}`);
      const view = toDepartmentView(department);
      await this.audit.append(manager, {
        subjectType: 'department',
        subjectId: department.code,
        action: 'department.created',
        actor,
        payload: { ...view },
      });
      return view;
    });
  }

  list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<DepartmentView>> {
    return pageByCode(
      this.dataSource.getRepository(Department).createQueryBuilder('d'),
      { column: 'd.code', codeOf: (d) => d.code, limit, cursor },
      toDepartmentView,
    );
  }
}
