import type { Actor } from '#identity';
import { RequestReads } from '#requests';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { TaskPageDto } from './requests.dto.js';

@ApiTags('requests')
@ApiBearerAuth()
@Controller('tasks')
export class TasksController {
  constructor(private readonly reads: RequestReads) {}

  @Get()
  @Roles('approver', 'system')
  @ApiOperation({
    summary:
      'The active steps of the approver’s department (or of the department whose system calls), longest waiting first',
  })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiErrors(400, 401, 403)
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto): Promise<TaskPageDto> {
    return this.reads.tasks(actor, query.limit, query.cursor);
  }
}
