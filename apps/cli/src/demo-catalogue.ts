import type { NewItem } from '#catalogue';
import type { Matter } from '#database';

/**
 * The rest of the demo catalogue beside 开办企业: one-thing items the zone runs in each enterprise
 * life-cycle stage (一类事一站办), with the matters and departments of the national first batch
 * (国发〔2024〕3号) as published. Limits are the zone's promises; the legal limits are the matters'.
 */
export const MORE_DEPARTMENTS = [
  ['CGJ', '城市管理局'],
  ['FIRE', '消防救援大队'],
  ['TOBACCO', '烟草专卖局'],
  ['DRC', '发展和改革局'],
  ['UTILITY', '水电气网联合服务中心'],
] as const;

const days = (value: number) => ({ value, unit: 'workingDays' as const });
type DemoMatter = Omit<Matter, 'createdAt'>;
const m = (
  code: string,
  name: string,
  departmentCode: string,
  promised: number,
  legal: number,
  materials: [code: string, name: string, key?: boolean][],
  output: [kind: string, name: string, validForYears?: number],
): DemoMatter => ({
  code,
  name,
  departmentCode,
  promisedLimit: days(promised),
  legalLimit: days(legal),
  materials: materials.map(([c, n, key = true]) => ({
    code: c,
    name: n,
    required: true,
    key,
    ...(c === LICENCE[0] ? { licenceKind: BUSINESS_LICENCE } : {}),
  })),
  output: { kind: output[0], name: output[1], ...(output[2] ? { validForYears: output[2] } : {}) },
});

/** 免提交: the 营业执照 开办企业 issues is the kind a 营业执照副本 asked elsewhere is covered by. */
export const BUSINESS_LICENCE = 'BUSINESS-LICENCE';
const LICENCE = ['BIZ-LICENCE-COPY', '营业执照副本'] as [string, string];
const LEGAL_REP = ['ID-LEGAL-REP', '法定代表人身份证明'] as [string, string];

export const MORE_MATTERS: DemoMatter[] = [
  // 开办餐饮店
  m('LICENCE-CHECK', '企业营业执照信息核验', 'SAMR', 1, 5, [LICENCE], ['filing', '核验结果']),
  m(
    'FOOD-PERMIT',
    '食品经营许可（新办）',
    'SAMR',
    5,
    20,
    [LICENCE, ['FOOD-LAYOUT', '经营场所平面布局图'], ['FOOD-SAFETY-RULES', '食品安全管理制度']],
    ['licence', '食品经营许可证', 5],
  ),
  m(
    'SIGNBOARD',
    '户外招牌设施设置规范管理',
    'CGJ',
    3,
    20,
    [['SIGN-DESIGN', '招牌设计效果图', false]],
    ['approval', '招牌设置意见书'],
  ),
  m(
    'FIRE-CHECK',
    '公众聚集场所投入使用、营业前消防安全检查',
    'FIRE',
    3,
    13,
    [
      ['FIRE-PLAN', '消防安全制度和应急预案'],
      ['PREMISES', '住所使用证明', false],
    ],
    ['licence', '消防安全检查合格证'],
  ),
  m(
    'TOBACCO-RETAIL',
    '烟草专卖零售许可证核发（新办）',
    'TOBACCO',
    5,
    20,
    [LICENCE, LEGAL_REP],
    ['licence', '烟草专卖零售许可证'],
  ),
  // 企业信息变更
  m(
    'BIZ-CHANGE',
    '企业变更登记',
    'SAMR',
    1,
    15,
    [LICENCE, ['CHANGE-FORM', '变更登记申请书'], ['CHANGE-RESOLUTION', '股东会变更决议']],
    [BUSINESS_LICENCE, '营业执照（变更后）'],
  ),
  m('TAX-CHANGE', '税务登记信息变更', 'TAX', 1, 5, [['CHANGE-FORM', '变更登记申请书']], ['filing', '税务信息变更回执']),
  m(
    'SOCIAL-CHANGE',
    '社会保险登记信息变更',
    'HRSS',
    1,
    5,
    [['CHANGE-FORM', '变更登记申请书']],
    ['filing', '社保信息变更回执'],
  ),
  m(
    'HPF-CHANGE',
    '住房公积金单位信息变更',
    'HPF',
    1,
    5,
    [['CHANGE-FORM', '变更登记申请书']],
    ['filing', '公积金信息变更回执'],
  ),
  // 经营主体注销登记
  m('TAX-CLEARANCE', '清税证明', 'TAX', 2, 20, [['LIQUIDATION-REPORT', '清算报告']], ['certificate', '清税证明']),
  m(
    'BIZ-DEREGISTER',
    '企业注销登记',
    'SAMR',
    1,
    20,
    [
      ['DEREGISTER-FORM', '注销登记申请书'],
      ['LIQUIDATION-REPORT', '清算报告'],
    ],
    ['certificate', '准予注销登记通知书'],
  ),
  m(
    'SOCIAL-DEREGISTER',
    '社会保险注销登记',
    'HRSS',
    1,
    5,
    [['DEREGISTER-FORM', '注销登记申请书']],
    ['filing', '社保注销回执'],
  ),
  m(
    'SEAL-DEREGISTER',
    '印章注销备案',
    'PSB',
    1,
    5,
    [['DEREGISTER-FORM', '注销登记申请书']],
    ['filing', '印章注销回执'],
  ),
  // 水电气网联合报装
  m('WATER-HOOKUP', '用水报装', 'UTILITY', 3, 15, [['SITE-PLAN', '用水用电用气点位图']], ['approval', '供水接入方案']),
  m('POWER-HOOKUP', '用电报装', 'UTILITY', 3, 15, [['SITE-PLAN', '用水用电用气点位图']], ['approval', '供电接入方案']),
  m('GAS-HOOKUP', '用气报装', 'UTILITY', 3, 15, [['SITE-PLAN', '用水用电用气点位图']], ['approval', '供气接入方案']),
  m('ROAD-DIG', '城市道路挖掘许可', 'CGJ', 3, 20, [['DIG-PLAN', '道路挖掘施工方案']], ['licence', '道路挖掘许可证']),
  // 信用修复
  m(
    'CREDIT-SAMR',
    '市场监管领域信用修复',
    'SAMR',
    3,
    15,
    [
      ['CREDIT-PROMISE', '信用修复承诺书'],
      ['PENALTY-DONE', '行政处罚履行完毕证明'],
    ],
    ['filing', '信用修复决定书'],
  ),
  m(
    'CREDIT-DRC',
    '信用中国网站信息修复',
    'DRC',
    3,
    15,
    [['CREDIT-PROMISE', '信用修复承诺书']],
    ['filing', '公示信息修复确认'],
  ),
  // 员工招聘
  m('HIRING-FILING', '就业登记', 'HRSS', 1, 10, [['STAFF-ROSTER', '新招用人员名册']], ['filing', '就业登记回执']),
  m('HIRING-SOCIAL', '员工参保登记', 'HRSS', 1, 5, [['STAFF-ROSTER', '新招用人员名册']], ['filing', '参保登记回执']),
  m(
    'HIRING-HPF',
    '住房公积金个人账户设立',
    'HPF',
    1,
    5,
    [['STAFF-ROSTER', '新招用人员名册']],
    ['filing', '公积金账户设立回执'],
  ),
];

const after = (first: string) => (key: string, matterCode: string) => ({ key, matterCode, dependsOn: [first] });

export const MORE_ITEMS: NewItem[] = [
  {
    code: 'OPEN-RESTAURANT',
    name: '开办餐饮店',
    category: 'enterprise',
    stage: 'ENTRY',
    promisedLimit: days(13),
    steps: [
      { key: 'check', matterCode: 'LICENCE-CHECK' },
      ...[
        ['food', 'FOOD-PERMIT'],
        ['sign', 'SIGNBOARD'],
        ['fire', 'FIRE-CHECK'],
        ['tobacco', 'TOBACCO-RETAIL'],
      ].map(([key, code]) => after('check')(key, code)),
    ],
  },
  {
    code: 'CHANGE-COMPANY-INFO',
    name: '企业信息变更',
    category: 'enterprise',
    stage: 'OPERATION',
    promisedLimit: days(3),
    steps: [
      { key: 'licence', matterCode: 'BIZ-CHANGE' },
      ...[
        ['tax', 'TAX-CHANGE'],
        ['social', 'SOCIAL-CHANGE'],
        ['fund', 'HPF-CHANGE'],
      ].map(([key, code]) => after('licence')(key, code)),
    ],
  },
  {
    code: 'DEREGISTER',
    name: '经营主体注销登记',
    category: 'enterprise',
    stage: 'EXIT',
    promisedLimit: days(5),
    steps: [
      { key: 'tax', matterCode: 'TAX-CLEARANCE' },
      after('tax')('licence', 'BIZ-DEREGISTER'),
      after('tax')('social', 'SOCIAL-DEREGISTER'),
      after('tax')('seal', 'SEAL-DEREGISTER'),
    ],
  },
  {
    code: 'UTILITY-HOOKUP',
    name: '水电气网联合报装',
    category: 'enterprise',
    stage: 'CONSTRUCTION',
    promisedLimit: days(5),
    steps: [
      { key: 'water', matterCode: 'WATER-HOOKUP' },
      { key: 'power', matterCode: 'POWER-HOOKUP' },
      { key: 'gas', matterCode: 'GAS-HOOKUP' },
      { key: 'road', matterCode: 'ROAD-DIG' },
    ],
  },
  {
    code: 'CREDIT-REPAIR',
    name: '信用修复',
    category: 'enterprise',
    stage: 'OPERATION',
    promisedLimit: days(5),
    steps: [{ key: 'samr', matterCode: 'CREDIT-SAMR' }, after('samr')('drc', 'CREDIT-DRC')],
  },
  {
    code: 'HIRE-STAFF',
    name: '员工招聘',
    category: 'enterprise',
    stage: 'HIRING',
    promisedLimit: days(2),
    steps: [
      { key: 'filing', matterCode: 'HIRING-FILING' },
      { key: 'social', matterCode: 'HIRING-SOCIAL' },
      { key: 'fund', matterCode: 'HIRING-HPF' },
    ],
  },
];
