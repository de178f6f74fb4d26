import type { Actor } from '#identity';
import type { LiveMessage } from '#live';
import { mayHear } from './live.controller.js';

const message = (hallCode: string | null): LiveMessage => ({
  type: 'request.accepted',
  requestId: '42',
  at: '2026-12-07T10:00:00.000+08:00',
  scope: { companyUscc: 'C1', hallCode, departments: ['D1', 'D2'] },
});
const actor = (role: Actor['role'], binding: Partial<Actor> = {}): Actor => ({
  id: '1',
  username: 'u',
  role,
  ...binding,
});

describe('who hears a live notice: the scoping of the reads', () => {
  it.each([
    ['an applicant of the company', actor('applicant', { companyUscc: 'C1' }), 'H1', true],
    ['an applicant of another company', actor('applicant', { companyUscc: 'C2' }), 'H1', false],
    ['a clerk of the hall', actor('clerk', { hallCode: 'H1' }), 'H1', true],
    ['a clerk of another hall', actor('clerk', { hallCode: 'H2' }), 'H1', false],
    ['a clerk of another hall, before any hall took it', actor('clerk', { hallCode: 'H2' }), null, true],
    ['an approver of a department with a step', actor('approver', { departmentCode: 'D2' }), 'H1', true],
    ['an approver of another department', actor('approver', { departmentCode: 'D3' }), 'H1', false],
    ["a department's system", actor('system', { departmentCode: 'D1' }), 'H1', true],
    ["another department's system", actor('system', { departmentCode: 'D3' }), 'H1', false],
    ['a manager of another hall', actor('manager', { hallCode: 'H2' }), 'H1', false],
    ['a manager bound to no hall', actor('manager'), 'H1', true],
    ['a manager of another department', actor('manager', { departmentCode: 'D3' }), 'H1', false],
    ['an admin', actor('admin'), 'H1', true],
  ])('%s', (_, who, hallCode, hears) => {
    expect(mayHear(who, message(hallCode))).toBe(hears);
  });
});
