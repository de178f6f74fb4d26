import type { CatalogueEntry } from './translate.js';

/** 电子证照: licences issued with a completion, verified, revoked, and standing in for materials (免提交). */
export const LICENCE_MESSAGES: readonly CatalogueEntry[] = [
  ['licence {id}', '证照 {id}'],
  ['licence with verification code {code}', '核验码为 {code} 的证照'],
  [
    'a verification code is 16 letters and digits, as printed on the licence (none of 0, 1, 2, 5, 8, B, I, L, O, S, Z)',
    '核验码为 16 位字母和数字，以证照上印制的为准（不含 0、1、2、5、8、B、I、L、O、S、Z）',
  ],
  ['licence {number} is already revoked', '证照 {number} 已被撤销'],
  [
    'request {number} cannot be accepted: the licences standing in for its materials are no longer valid ({lapsed}); ask for {codes} as a supplement',
    '办件 {number} 不能受理：代替材料的证照已失效（{lapsed}）；请要求申请人补正 {codes}',
  ],
  ['a clerk asks for a company (代办): give uscc', '窗口人员代办时须给出企业的 uscc'],
  ['uscc must be a USCC of 18 digits and capital letters', 'uscc 必须是由 18 位数字和大写字母组成的统一社会信用代码'],
  ['licenceId must be the id of a licence', 'licenceId 必须是证照的编号'],
  ['validForYears must be a whole number of years', 'validForYears 必须是整数年'],
  ['validForYears must be at least 1', 'validForYears 至少为 1'],
  ['validForYears must be at most 50', 'validForYears 至多为 50'],
];
