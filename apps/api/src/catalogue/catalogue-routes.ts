import type { Type } from '@nestjs/common';
import { applyDecorators, Get, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  type ApiOperationOptions,
} from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { Public, Roles } from '../http/decorators.js';

/** GET of a catalogue list, page by page: anyone may read it, no login needed. */
export const PublicList = (page: Type, summary: string) =>
  applyDecorators(Public(), Get(), ApiOperation({ summary }), ApiOkResponse({ type: page }), ApiErrors(400));

/** POST of a new catalogue entry: the admin's only. */
export const AdminCreate = (created: Type, operation: ApiOperationOptions) =>
  applyDecorators(
    Post(),
    Roles('admin'),
    ApiBearerAuth(),
    ApiOperation(operation),
    ApiCreatedResponse({ type: created }),
    ApiErrors(400, 401, 403, 409),
  );
