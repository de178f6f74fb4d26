import { RequestStep, ServiceRequest } from '#database';
import type { Actor } from '#identity';
import { canSee } from './request-scope.js';

const request = (hallCode: string | null, companyUscc = '91320594MA1XK7T2QQ') =>
  Object.assign(new ServiceRequest(), { id: '1', hallCode, companyUscc });
const steps = [Object.assign(new RequestStep(), { requestId: '1', stepKey: 'licence', departmentCode: 'SAMR' })];
const actor = (role: Actor['role'], binding: Partial<Actor> = {}): Actor => ({
  id: '9',
  username: role,
  role,
  ...binding,
});

describe('canSee', () => {
  it("shows a hall's manager what its clerks see: the hall's requests and those no hall has taken", () => {
    const manager = actor('manager', { hallCode: 'CENTRE' });
    const clerk = actor('clerk', { hallCode: 'CENTRE' });
    for (const [hall, seen] of [
      ['CENTRE', true],
      [null, true],
      ['EAST', false],
    ] as const) {
      expect([hall, canSee(manager, request(hall), steps), canSee(clerk, request(hall), steps)]).toEqual([
        hall,
        seen,
        seen,
      ]);
    }
  });

  it('shows a manager bound to no hall every request, as an admin', () => {
    for (const hall of ['CENTRE', 'EAST', null]) {
      expect(canSee(actor('manager'), request(hall), steps)).toBe(true);
      expect(canSee(actor('admin'), request(hall), steps)).toBe(true);
    }
  });

  it("shows an applicant their company's requests and an approver those with a step of their department", () => {
    expect(canSee(actor('applicant', { companyUscc: '91320594MA1XK7T2QQ' }), request('EAST'), steps)).toBe(true);
    expect(canSee(actor('applicant', { companyUscc: '91320595MA1XK7T2QN' }), request('EAST'), steps)).toBe(false);
    expect(canSee(actor('approver', { departmentCode: 'SAMR' }), request('EAST'), steps)).toBe(true);
    expect(canSee(actor('approver', { departmentCode: 'TAX' }), request('EAST'), steps)).toBe(false);
  });

  it("shows a department's system what the department's approvers see", () => {
    expect(canSee(actor('system', { departmentCode: 'SAMR' }), request('EAST'), steps)).toBe(true);
    expect(canSee(actor('system', { departmentCode: 'TAX' }), request(null), steps)).toBe(false);
    expect(canSee(actor('system'), request('EAST'), steps)).toBe(false);
  });
});
