import { DEMO_FORM, DEMO_PASSWORD } from './demo-seed.js';

/**
 * The demo's requests, made through the running api by the demo users themselves (so each has its
 * audit trail, outbox events, clocks and notifications like any other): one waiting for intake, one
 * waiting for a supplement, one accepted and at its first step, the licence (so demo.approver finds a
 * task on signing in, as the other approvers do in the next), one in parallel approval, two completed with their outputs (one rated 5,
 * one rated 2 with its follow-up open) and one refused. Runs once, right after the demo is seeded.
 */
const STEP_APPROVERS: Record<string, string> = {
  licence: 'demo.approver',
  seal: 'demo.approver.psb',
  tax: 'demo.approver.tax',
  social: 'demo.approver.hrss',
  fund: 'demo.approver.hpf',
  bank: 'demo.approver.pbc',
};
const MATERIALS = ['APPLICATION-FORM', 'ARTICLES', 'ID-LEGAL-REP', 'PREMISES', 'BIZ-LICENCE-COPY'].map((code, i) => ({
  code,
  reference: `扫描件-${i + 1}.pdf`,
}));

export async function seedDemoRequests(baseUrl: string): Promise<number> {
  const tokens = new Map<string, string>();
  const call = async (username: string, method: string, path: string, body?: unknown): Promise<{ id: string }> => {
    if (!tokens.has(username)) {
      const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      if (!login.ok) throw new Error(`demo login of ${username}: ${login.status}`);
      tokens.set(username, ((await login.json()) as { accessToken: string }).accessToken);
    }
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(username)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`demo ${method} ${path} as ${username}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const submit = () =>
    call('demo.applicant', 'POST', '/requests', { itemCode: 'OPEN-BUSINESS', form: DEMO_FORM, materials: MATERIALS });
  const accept = (id: string) => call('demo.clerk', 'POST', `/requests/${id}/accept`, {});
  const approve = (id: string, step: string) =>
    call(STEP_APPROVERS[step], 'POST', `/requests/${id}/steps/${step}/approve`, {
      outputNumber: `DEMO-${id}-${step.toUpperCase()}`,
    });
  const complete = async (id: string) => {
    await accept(id);
    await approve(id, 'licence');
    for (const step of ['seal', 'tax', 'social', 'fund', 'bank']) await approve(id, step);
  };

  await submit();
  const asked = await submit();
  await call('demo.clerk', 'POST', `/requests/${asked.id}/supplement-requests`, {
    materials: ['PREMISES'],
    note: '住所使用证明缺少产权人签字，请补充签字后的扫描件。',
  });
  const accepted = await submit();
  await accept(accepted.id);
  const parallel = await submit();
  await accept(parallel.id);
  await approve(parallel.id, 'licence');
  const praised = await submit();
  await complete(praised.id);
  await call('demo.applicant', 'POST', `/requests/${praised.id}/evaluation`, {
    score: 5,
    comment: '一次办好，很方便。',
  });
  const complained = await submit();
  await complete(complained.id);
  await call('demo.applicant', 'POST', `/requests/${complained.id}/evaluation`, {
    score: 2,
    comment: '等待时间较长。',
  });
  const refused = await submit();
  await call('demo.clerk', 'POST', `/requests/${refused.id}/refuse`, {
    reason: '经营范围涉及前置许可，请先取得许可后再申请。',
  });
  return 7;
}
