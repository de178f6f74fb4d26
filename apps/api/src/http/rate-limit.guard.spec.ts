import { rateLimitFields } from './rate-limit.guard.js';

describe('the RateLimit fields', () => {
  it('name the policy after the role, as draft-ietf-httpapi-ratelimit-headers writes them', () => {
    expect(
      rateLimitFields({ policy: 'clerk', quota: 600, windowSeconds: 60, remaining: 598, resetSeconds: 41 }),
    ).toEqual({ 'RateLimit-Policy': '"clerk";q=600;w=60', RateLimit: '"clerk";r=598;t=41' });
    expect(
      rateLimitFields({ policy: 'system', quota: 3000, windowSeconds: 60, remaining: 0, resetSeconds: 7 }).RateLimit,
    ).toBe('"system";r=0;t=7');
  });
});
