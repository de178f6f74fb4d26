import { hashPassword, passwordPolicyProblem, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('stores an argon2id hash that verifies the password and nothing else', async () => {
    const hash = await hashPassword('correct horse 1');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain('correct horse');
    await expect(verifyPassword(hash, 'correct horse 1')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'correct horse 2')).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password 1')).not.toBe(await hashPassword('same password 1'));
  });

  it('answers false, not an error, for a malformed stored hash', async () => {
    await expect(verifyPassword('not-a-hash', 'whatever1')).resolves.toBe(false);
  });
});

describe('password policy', () => {
  it.each([
    ['short1', 'password must be at least 10 characters'],
    ['onlyletterslong', 'password must contain a letter and a digit'],
    ['1234567890', 'password must contain a letter and a digit'],
    ['a1'.repeat(65), 'password must be at most 128 characters'],
  ])('refuses %s', (password, problem) => {
    expect(passwordPolicyProblem(password)).toBe(problem);
  });

  it('accepts letters of any script with a digit', () => {
    expect(passwordPolicyProblem('政务服务一网通办2026')).toBeNull();
  });
});
