import { AuditWriter } from '#audit';
import { Clock, DEFAULT_PAGE_LIMIT, type Page } from '#common';
import { Department } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DepartmentView, NewDepartment } from './catalogue.types.js';
import { insertByCode, pageOfTable } from './code-page.js';

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
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const department = manager.create(Department, {
        code: input.code,
        name: input.name,
        createdAt: this.clock.now(),
      });
      return insertByCode(manager, this.audit, actor, 'department', Department, department, toDepartmentView);
    });
  }

  list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<DepartmentView>> {
    return pageOfTable(this.dataSource, Department, toDepartmentView, limit, cursor);
  }
}
