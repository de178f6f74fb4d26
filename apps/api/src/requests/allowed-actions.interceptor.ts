import { type RequestView, withAllowedActions } from '#requests';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type { RequestWithActor } from '../http/decorators.js';

const isRequestView = (value: unknown): value is RequestView =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as RequestView).steps) &&
  typeof (value as RequestView).status === 'string' &&
  typeof (value as RequestView).number === 'string';

/**
 * Every whole request the api answers with carries the caller's next actions (`allowedActions`,
 * on the request and on each step), so a client shows a button exactly when the action would be taken.
 */
@Injectable()
export class AllowedActionsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
    return next
      .handle()
      .pipe(map((body: unknown) => (actor && isRequestView(body) ? withAllowedActions(body, actor) : body)));
  }
}
