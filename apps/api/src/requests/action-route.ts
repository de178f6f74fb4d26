import type { ActorRole } from '#database';
import { applyDecorators, HttpCode, Post, type Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, type ApiOperationOptions } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { Roles } from '../http/decorators.js';
import { ApiIdempotencyKey } from '../http/idempotency-key.js';

/**
 * A POST that moves a request (or its follow-up) on: only `role` (or the roles) may, it answers 200 with `result`,
 * and an Idempotency-Key makes a retry change nothing.
 */
export const ActionRoute = (
  path: string,
  role: ActorRole | readonly ActorRole[],
  result: Type,
  operation: ApiOperationOptions,
) =>
  applyDecorators(
    Post(path),
    HttpCode(200),
    Roles(...(typeof role === 'string' ? [role] : role)),
    ApiIdempotencyKey(),
    ApiOperation(operation),
    ApiOkResponse({ type: result }),
    ApiErrors(400, 401, 403, 404, 409, 422),
  );
