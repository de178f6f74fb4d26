import { requestContext } from '#common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Gives each request its id (X-Request-Id from a proxy when well-formed, a new UUID otherwise),
 * echoes it back, and runs the rest of the request under it: the log lines, and the outbox rows the
 * request's change writes, carry it.
 */
export function withRequestId(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  requestContext.run(req.headers['x-request-id'], () => {
    const id = requestContext.id()!;
    (req as IncomingMessage & { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    next();
  });
}
