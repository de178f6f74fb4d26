import type { MatterMaterial } from '#database';
import { mergeChecklist } from './checklist.js';

const material = (code: string, required: boolean, key: boolean, name = `name of ${code}`): MatterMaterial => ({
  code,
  name,
  required,
  key,
});

describe('mergeChecklist (一张清单, 一次告知)', () => {
  it('lists a material needed by several matters once, with every matter that needs it', () => {
    const checklist = mergeChecklist([
      { matterCode: 'LICENCE', materials: [material('FORM', true, true), material('ID', true, true)] },
      { matterCode: 'SEAL', materials: [material('COPY', true, true), material('ID', true, true)] },
      { matterCode: 'FUND', materials: [material('COPY', true, true), material('ID', true, true)] },
    ]);
    expect(checklist).toEqual([
      { code: 'FORM', name: 'name of FORM', required: true, key: true, matters: ['LICENCE'] },
      { code: 'ID', name: 'name of ID', required: true, key: true, matters: ['LICENCE', 'SEAL', 'FUND'] },
      { code: 'COPY', name: 'name of COPY', required: true, key: true, matters: ['SEAL', 'FUND'] },
    ]);
  });

  it('marks a material required or key when any matter says so', () => {
    const checklist = mergeChecklist([
      { matterCode: 'TAX', materials: [material('BANK', false, false)] },
      { matterCode: 'SOCIAL', materials: [material('BANK', true, false)] },
      { matterCode: 'FUND', materials: [material('BANK', false, true)] },
    ]);
    expect(checklist).toEqual([
      { code: 'BANK', name: 'name of BANK', required: true, key: true, matters: ['TAX', 'SOCIAL', 'FUND'] },
    ]);
  });

  it('names a matter once even when two steps use it, and keeps the first name of a material', () => {
    const checklist = mergeChecklist([
      { matterCode: 'A', materials: [material('X', false, false, 'first')] },
      { matterCode: 'A', materials: [material('X', false, false, 'second')] },
    ]);
    expect(checklist).toEqual([{ code: 'X', name: 'first', required: false, key: false, matters: ['A'] }]);
  });

  it('is empty when no matter asks for anything', () => {
    expect(mergeChecklist([{ matterCode: 'A', materials: [] }])).toEqual([]);
  });
});
