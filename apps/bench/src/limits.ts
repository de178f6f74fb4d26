/**
 * Per-caller rate limits (RATE_LIMIT_*) far above what the benches reach: they drive thousands of
 * requests with a few tokens, and measure the desk, not its limits.
 */
export const UNLIMITED_CALLERS: Record<string, string> = Object.fromEntries(
  ['APPLICANT', 'CLERK', 'APPROVER', 'MANAGER', 'ADMIN', 'SYSTEM'].map((role) => [`RATE_LIMIT_${role}`, '1000000']),
);
