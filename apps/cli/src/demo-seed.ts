import { CatalogueService, HallsService } from '#catalogue';
import { Clock } from '#common';
import { Company, Department, Hall, Matter, type Role } from '#database';
import { UsersService } from '#identity';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BUSINESS_LICENCE, MORE_DEPARTMENTS, MORE_ITEMS, MORE_MATTERS } from './demo-catalogue.js';
import { DEMO_CENTRE_PLACES, DEMO_HALLS } from './demo-places.js';

/** The password of every demo user but admin (README, Demo logins). Demo users exist only outside production. */
export const DEMO_PASSWORD = 'demo-pass-2026';

export const DEMO_USERS: {
  username: string;
  role: Exclude<Role, 'admin'>;
  companyUscc?: string;
  departmentCode?: string;
  hallCode?: string;
}[] = [
  { username: 'demo.applicant', role: 'applicant', companyUscc: '91320594MA1XK7T2QQ' },
  { username: 'demo.clerk', role: 'clerk', hallCode: 'CENTRE' },
  { username: 'demo.approver', role: 'approver', departmentCode: 'SAMR' },
  { username: 'demo.approver.psb', role: 'approver', departmentCode: 'PSB' },
  { username: 'demo.approver.tax', role: 'approver', departmentCode: 'TAX' },
  { username: 'demo.approver.hrss', role: 'approver', departmentCode: 'HRSS' },
  { username: 'demo.approver.hpf', role: 'approver', departmentCode: 'HPF' },
  { username: 'demo.approver.pbc', role: 'approver', departmentCode: 'PBC' },
  // The departments of the other demo items (开办餐饮店, 水电气网联合报装, 信用修复 …).
  { username: 'demo.approver.cgj', role: 'approver', departmentCode: 'CGJ' },
  { username: 'demo.approver.fire', role: 'approver', departmentCode: 'FIRE' },
  { username: 'demo.approver.tobacco', role: 'approver', departmentCode: 'TOBACCO' },
  { username: 'demo.approver.drc', role: 'approver', departmentCode: 'DRC' },
  { username: 'demo.approver.utility', role: 'approver', departmentCode: 'UTILITY' },
  { username: 'demo.manager', role: 'manager' },
];

const DEPARTMENTS = [
  ['SAMR', '市场监督管理局'],
  ['PSB', '公安局'],
  ['TAX', '税务局'],
  ['HRSS', '人力资源和社会保障局'],
  ['HPF', '住房公积金管理中心'],
  ['PBC', '中国人民银行开发区支行'],
] as const;

const days = (value: number) => ({ value, unit: 'workingDays' as const });

/** The 开办企业 matters: a licence first, then seal, tax, social insurance, housing fund and bank account in parallel. */
const MATTERS: Omit<Matter, 'createdAt'>[] = [
  {
    code: 'BIZ-LICENCE',
    name: '企业设立登记',
    departmentCode: 'SAMR',
    promisedLimit: days(1),
    legalLimit: days(15),
    materials: [
      { code: 'APPLICATION-FORM', name: '公司登记（备案）申请书', required: true, key: true },
      { code: 'ARTICLES', name: '公司章程', required: true, key: true },
      { code: 'ID-LEGAL-REP', name: '法定代表人身份证明', required: true, key: true },
      { code: 'PREMISES', name: '住所使用证明', required: true, key: false },
    ],
    output: { kind: BUSINESS_LICENCE, name: '营业执照' },
  },
  {
    code: 'SEAL-ENGRAVING',
    name: '公章刻制备案',
    departmentCode: 'PSB',
    promisedLimit: days(1),
    legalLimit: days(5),
    materials: [
      { code: 'BIZ-LICENCE-COPY', name: '营业执照副本', required: true, key: true, licenceKind: BUSINESS_LICENCE },
      { code: 'ID-LEGAL-REP', name: '法定代表人身份证明', required: true, key: true },
    ],
    output: { kind: 'filing', name: '印章备案回执' },
  },
  {
    code: 'TAX-REGISTRATION',
    name: '新办纳税人涉税事项',
    departmentCode: 'TAX',
    promisedLimit: days(1),
    legalLimit: days(5),
    materials: [
      { code: 'BIZ-LICENCE-COPY', name: '营业执照副本', required: true, key: true, licenceKind: BUSINESS_LICENCE },
      { code: 'BANK-ACCOUNT-INFO', name: '银行账户信息', required: false, key: false },
    ],
    output: { kind: 'certificate', name: '税务登记信息确认' },
  },
  {
    code: 'SOCIAL-INSURANCE',
    name: '单位社会保险登记',
    departmentCode: 'HRSS',
    promisedLimit: days(1),
    legalLimit: days(15),
    materials: [
      { code: 'BIZ-LICENCE-COPY', name: '营业执照副本', required: true, key: true, licenceKind: BUSINESS_LICENCE },
    ],
    output: { kind: 'certificate', name: '社会保险登记证明' },
  },
  {
    code: 'HOUSING-FUND',
    name: '住房公积金单位登记',
    departmentCode: 'HPF',
    promisedLimit: days(1),
    legalLimit: days(5),
    materials: [
      { code: 'BIZ-LICENCE-COPY', name: '营业执照副本', required: true, key: true, licenceKind: BUSINESS_LICENCE },
      { code: 'ID-LEGAL-REP', name: '法定代表人身份证明', required: true, key: true },
    ],
    output: { kind: 'certificate', name: '住房公积金单位登记回执' },
  },
  {
    code: 'BANK-ACCOUNT',
    name: '银行基本存款账户开立备案',
    departmentCode: 'PBC',
    promisedLimit: days(1),
    legalLimit: days(5),
    materials: [
      { code: 'BIZ-LICENCE-COPY', name: '营业执照副本', required: true, key: true, licenceKind: BUSINESS_LICENCE },
      { code: 'ID-LEGAL-REP', name: '法定代表人身份证明', required: true, key: true },
    ],
    output: { kind: 'filing', name: '基本存款账户备案回执' },
  },
];

/** A filled 开办企业 form that fits the item's schema: the demo requests and the intake benchmark send it. */
export const DEMO_FORM = {
  companyName: '苏州示范科技有限公司',
  companyType: '有限责任公司',
  registeredCapital: 500,
  businessScope: '软件开发；信息技术咨询服务；数据处理服务',
  legalRepresentative: '张伟',
  address: '苏州工业园区星湖街 328 号创意产业园 1 幢 501 室',
  contactPhone: '0512-66880000',
};

/** 开办企业: the licence first, then the five other matters in parallel (并联审批). */
export const DEMO_ITEM = {
  code: 'OPEN-BUSINESS',
  name: '开办企业',
  category: 'enterprise',
  stage: 'ENTRY' as const,
  promisedLimit: days(3),
  steps: [
    { key: 'licence', matterCode: 'BIZ-LICENCE', dependsOn: [] },
    { key: 'seal', matterCode: 'SEAL-ENGRAVING', dependsOn: ['licence'] },
    { key: 'tax', matterCode: 'TAX-REGISTRATION', dependsOn: ['licence'] },
    { key: 'social', matterCode: 'SOCIAL-INSURANCE', dependsOn: ['licence'] },
    { key: 'fund', matterCode: 'HOUSING-FUND', dependsOn: ['licence'] },
    { key: 'bank', matterCode: 'BANK-ACCOUNT', dependsOn: ['licence'] },
  ],
  // 一张表单: what the licence application asks, checked on every submission.
  formSchema: {
    type: 'object',
    required: ['companyName', 'companyType', 'registeredCapital', 'businessScope', 'legalRepresentative', 'address'],
    additionalProperties: false,
    properties: {
      companyName: { type: 'string', title: '企业名称', minLength: 4, maxLength: 60 },
      companyType: {
        type: 'string',
        title: '企业类型',
        enum: ['有限责任公司', '股份有限公司', '个人独资企业', '合伙企业'],
      },
      registeredCapital: { type: 'number', title: '注册资本（万元）', exclusiveMinimum: 0, maximum: 10000000 },
      businessScope: { type: 'string', title: '经营范围', minLength: 2, maxLength: 500 },
      legalRepresentative: { type: 'string', title: '法定代表人', minLength: 2, maxLength: 30 },
      address: { type: 'string', title: '住所', minLength: 5, maxLength: 200 },
      contactPhone: { type: 'string', title: '联系电话', pattern: '^[0-9+\\- ]{7,20}$' },
    },
  },
};

@Injectable()
export class DemoSeed {
  private readonly logger = new Logger(DemoSeed.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly catalogue: CatalogueService,
    private readonly halls: HallsService,
    private readonly clock: Clock,
  ) {}

  /** Seeds the demo catalogue, company and users when the catalogue is empty; returns whether it did. */
  async seedIfEmpty(): Promise<boolean> {
    if ((await this.dataSource.getRepository(Department).count()) > 0) return false;
    const createdAt = this.clock.now();
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.insert(
        Department,
        [...DEPARTMENTS, ...MORE_DEPARTMENTS].map(([code, name]) => ({ code, name, createdAt })),
      );
      await manager.insert(Hall, {
        code: 'CENTRE',
        name: '开发区政务服务中心',
        level: 'centre',
        parentCode: null,
        createdAt,
      });
      await manager.insert(Hall, {
        code: 'EAST',
        name: '东区便民服务分中心',
        level: 'branch',
        parentCode: 'CENTRE',
        createdAt,
      });
      await manager.insert(
        Matter,
        [...MATTERS, ...MORE_MATTERS].map((m) => ({ ...m, createdAt })),
      );
      await manager.insert(Company, { uscc: '91320594MA1XK7T2QQ', name: '示范科技有限公司', createdAt });
    });
    for (const item of [DEMO_ITEM, ...MORE_ITEMS]) {
      const draft = await this.catalogue.createDraft(null, item);
      await this.catalogue.publish(null, draft.itemCode, draft.version);
    }
    // The 1+5+N network's places (一刻钟政务服务圈): the centre, five branches, twelve points. The
    // centre and the branches take in every item (综合窗口); a point takes 开办企业 or nothing.
    const everyItem = [DEMO_ITEM, ...MORE_ITEMS].map((item) => item.code);
    for (const [code, place] of Object.entries(DEMO_CENTRE_PLACES)) {
      await this.halls.update(null, code, { ...place, itemCodes: everyItem });
    }
    for (const { takesDemoItem, ...hall } of DEMO_HALLS) {
      const itemCodes = hall.level === 'branch' ? everyItem : takesDemoItem ? [DEMO_ITEM.code] : [];
      await this.halls.create(null, { ...hall, itemCodes });
    }
    for (const user of DEMO_USERS) await this.users.create(null, { ...user, password: DEMO_PASSWORD });
    this.logger.log(`seeded the demo catalogue, ${DEMO_HALLS.length + 2} halls and ${DEMO_USERS.length} demo users`);
    return true;
  }
}
