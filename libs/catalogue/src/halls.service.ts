import { AuditWriter } from '#audit';
import { Clock, DEFAULT_PAGE_LIMIT, insertOrConflict, type Page, validationFailed } from '#common';
import { Hall } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { HallView, NewHall } from './catalogue.types.js';
import { pageByCode } from './code-page.js';
import { hallParentProblem } from './hall-rules.js';

export const toHallView = (hall: Hall): HallView => ({
  code: hall.code,
  name: hall.name,
  level: hall.level,
  ...(hall.parentCode ? { parentCode: hall.parentCode } : {}),
});

/** 政务服务大厅 / 站点: the 1+5+N network of halls where requests are received. */
@Injectable()
export class HallsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor | null, input: NewHall): Promise<HallView> {
    const parentCode = input.parentCode ?? undefined;
    return this.dataSource.transaction(async (manager) => {
      // Halls are never deleted, so the parent read here is still there at commit.
      const parent = parentCode ? await manager.findOneBy(Hall, { code: parentCode }) : null;
      const problem = hallParentProblem(input.level, parentCode, parent);
      if (problem) throw validationFailed(problem);
      const hall = manager.create(Hall, {
        code: input.code,
        name: input.name,
        level: input.level,
        parentCode: parent?.code ?? null,
        createdAt: this.clock.now(),
      });
      await insertOrConflict(manager.insert(Hall, hall), `hall ${input.code}`);
      const view = toHallView(hall);
      await this.audit.append(manager, {
        subjectType: 'hall',
        subjectId: hall.code,
        action: 'hall.created',
        actor,
        payload: { ...view },
      });
      return view;
    });
  }

  list(limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<HallView>> {
    return pageByCode(
      this.dataSource.getRepository(Hall).createQueryBuilder('h'),
      { column: 'h.code', codeOf: (h) => h.code, limit, cursor },
      toHallView,
    );
  }
}
