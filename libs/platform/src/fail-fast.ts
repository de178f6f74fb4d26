import { ConfigurationError } from '#config';
import { ServiceUnavailableError } from './preflight.js';

/**
 * Ends a start that cannot go on with ONE line on stderr and exit code 1. Configuration and
 * service problems are expected and get no stack trace; anything else keeps its stack.
 */
export function exitOnStartFailure(app: string) {
  return (error: unknown): never => {
    if (error instanceof ConfigurationError || error instanceof ServiceUnavailableError) {
      process.stderr.write(`${app}: ${error.message}\n`);
    } else {
      process.stderr.write(`${app}: start failed: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  };
}
