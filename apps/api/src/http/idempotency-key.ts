import { applyDecorators, BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { RequestWithActor } from './decorators.js';

const KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The `Idempotency-Key` header (docs/api.md): 1-128 visible ASCII characters, or absent. The same key
 * from the same user within 24 h returns the first response and changes nothing.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<RequestWithActor>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !KEY.test(value)) {
    throw new BadRequestException('Idempotency-Key must be one value of 1-128 visible ASCII characters');
  }
  return value;
});

/** Documents the header on a route that honours it. */
export const ApiIdempotencyKey = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 128, pattern: KEY.source },
      description:
        'Any unique string (1-128 visible ASCII characters); a retry with the same key within 24 h returns the first response and changes nothing. Reusing a key for a different request is a 422.',
    }),
  );
