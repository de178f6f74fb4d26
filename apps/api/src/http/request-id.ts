import { requestContext } from '#common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Gives each request its id (X-Request-Id from a proxy when well-formed, a new UUID otherwise),
 * echoes it back, and runs the rest of the request under it: the log lines, and the outbox rows the
 * request's change writes, carry it.
 */
export function withRequestId(req: Request, res: Response, next: NextFunction): void {
  requestContext.run(req.headers['x-request-id'], () => {
    const id = requestContext.id()!;
    (req as Request & { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    next();
  });
}
