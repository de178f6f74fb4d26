import { bindingProblems } from './users.service.js';

describe('bindingProblems', () => {
  it('asks an applicant for a company, an approver for a department and a clerk for a hall', () => {
    expect(bindingProblems({ role: 'applicant' })).toEqual(['a user with role applicant needs companyUscc']);
    expect(bindingProblems({ role: 'approver' })).toEqual(['a user with role approver needs departmentCode']);
    expect(bindingProblems({ role: 'clerk' })).toEqual(['a user with role clerk needs hallCode']);
  });

  it('refuses bindings a role cannot have', () => {
    expect(bindingProblems({ role: 'admin', hallCode: 'CENTRE' })).toEqual([
      'a user with role admin cannot have hallCode',
    ]);
    expect(bindingProblems({ role: 'clerk', hallCode: 'CENTRE', companyUscc: '91320594MA1XK7T2QQ' })).toEqual([
      'a user with role clerk cannot have companyUscc',
    ]);
  });

  it('accepts the valid combinations', () => {
    expect(bindingProblems({ role: 'applicant', companyUscc: '91320594MA1XK7T2QQ' })).toEqual([]);
    expect(bindingProblems({ role: 'manager' })).toEqual([]);
    expect(bindingProblems({ role: 'manager', hallCode: 'CENTRE' })).toEqual([]);
    expect(bindingProblems({ role: 'admin' })).toEqual([]);
  });
});
