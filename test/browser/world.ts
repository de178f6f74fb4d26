import { USCC_ALPHABET, usccCheckCharacter } from '#companies';
import { unique } from '../helpers.js';
import { TEST_ENV } from '../test-env.js';

/**
 * The catalogue and the people of one browser test file, made through the api as an administrator
 * would: one department approving every step of a small 开办企业 (licence first, then seal and tax
 * in parallel), one centre hall and a branch, one company with its applicant, a clerk in each hall,
 * an approver and a manager.
 */
export const PASSWORD = 'browser-pass-123';
export const REQUIRED = ['APPLICATION-FORM', 'ID-LEGAL-REP'];
export const STEPS = ['licence', 'seal', 'tax'] as const;

function base31(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = USCC_ALPHABET[n % 31] + out;
    n = Math.floor(n / 31);
  }
  return out;
}

/** A valid USCC unique to this run. */
export function usccOf(region: string, salt = 0): string {
  const first17 = `${region}${base31(Date.now() + salt, 9)}`;
  const check = usccCheckCharacter(first17);
  if (!check) throw new Error(`${first17} is not a USCC prefix`);
  return first17 + check;
}

export interface World {
  u: string;
  item: string;
  hall: string;
  otherHall: string;
  department: string;
  company: string;
  otherCompany: string;
  users: Record<'applicant' | 'clerk' | 'otherClerk' | 'approver' | 'manager', string>;
  /** The api as the given person (a token per username), for setting up and for reading figures. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- api bodies of every shape, read by the tests
  api: (who: string, method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
}

export async function buildWorld(baseUrl: string): Promise<World> {
  const u = unique().toUpperCase();
  const c = (name: string) => `${name}-${u}`;
  const tokens: Record<string, string> = {};
  const call = async (token: string | undefined, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        'Idempotency-Key': `${u}-${Math.random().toString(36).slice(2)}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const login = async (username: string, password: string) => {
    const res = await call(undefined, 'POST', '/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[username] = res.body.accessToken as string;
  };
  await login('admin', TEST_ENV.ADMIN_PASSWORD);
  const admin = async (path: string, body: object, status = 201) => {
    const res = await call(tokens.admin, 'POST', path, body);
    if (res.status !== status) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const department = c('SAMR');
  const hall = c('CENTRE');
  const otherHall = c('EAST');
  await admin('/departments', { code: department, name: '市场监督管理局' });
  await admin('/halls', { code: hall, name: '政务服务中心', level: 'centre' });
  await admin('/halls', { code: otherHall, name: '东区分中心', level: 'branch', parentCode: hall });
  const matter = (code: string, name: string, materials: object[], output: object) =>
    admin('/matters', {
      code: c(code),
      name,
      departmentCode: department,
      promisedLimit: { value: 1, unit: 'workingDays' },
      legalLimit: { value: 15, unit: 'workingDays' },
      materials,
      output,
    });
  await matter(
    'LICENCE',
    '企业设立登记',
    [
      { code: 'APPLICATION-FORM', name: '公司登记（备案）申请书', required: true, key: true },
      { code: 'ID-LEGAL-REP', name: '法定代表人身份证明', required: true, key: true },
    ],
    { kind: 'licence', name: '营业执照' },
  );
  await matter(
    'SEAL',
    '公章刻制备案',
    [{ code: 'ID-LEGAL-REP', name: '法定代表人身份证明', required: true, key: true }],
    {
      kind: 'filing',
      name: '印章备案回执',
    },
  );
  await matter('TAX', '新办纳税人涉税事项', [], { kind: 'certificate', name: '税务登记信息确认' });
  const item = c('OPEN-BIZ');
  const draft = await admin('/items', {
    code: item,
    name: '开办企业',
    category: 'enterprise',
    promisedLimit: { value: 3, unit: 'workingDays' },
    steps: STEPS.map((key) => ({
      key,
      matterCode: c(key.toUpperCase()),
      dependsOn: key === 'licence' ? [] : ['licence'],
    })),
    formSchema: {
      type: 'object',
      required: ['companyName'],
      properties: {
        companyName: { type: 'string', title: '企业名称' },
        contactPhone: { type: 'string', title: '联系电话', pattern: '^[0-9+\\- ]{7,20}$' },
      },
    },
  });
  await admin(`/items/${item}/versions/${draft.version}/publish`, {}, 200);

  const company = usccOf('91320594');
  const otherCompany = usccOf('91320595', 7);
  await admin('/companies', { uscc: company, name: '示范科技有限公司' });
  await admin('/companies', { uscc: otherCompany, name: '乙公司' });

  const users = {
    applicant: `b-applicant-${u}`.toLowerCase(),
    clerk: `b-clerk-${u}`.toLowerCase(),
    otherClerk: `b-clerk2-${u}`.toLowerCase(),
    approver: `b-approver-${u}`.toLowerCase(),
    manager: `b-manager-${u}`.toLowerCase(),
  };
  const bindings: Record<keyof typeof users, object> = {
    applicant: { role: 'applicant', companyUscc: company },
    clerk: { role: 'clerk', hallCode: hall },
    otherClerk: { role: 'clerk', hallCode: otherHall },
    approver: { role: 'approver', departmentCode: department },
    manager: { role: 'manager' },
  };
  for (const [key, username] of Object.entries(users) as [keyof typeof users, string][]) {
    await admin('/users', { username, password: PASSWORD, ...bindings[key] });
    await login(username, PASSWORD);
  }

  return {
    u,
    item,
    hall,
    otherHall,
    department,
    company,
    otherCompany,
    users,
    api: (who, method, path, body) => call(tokens[who], method, path, body),
  };
}
