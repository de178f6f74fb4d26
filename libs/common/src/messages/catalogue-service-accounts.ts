import type { CatalogueEntry } from './translate.js';

/** 部门业务系统: the departments' own systems, which call the api with a service account's API key. */
export const SERVICE_ACCOUNT_MESSAGES: readonly CatalogueEntry[] = [
  ['service account {name}', '部门业务系统账号 {name}'],
  ['service account {name} is already revoked', '部门业务系统账号 {name} 已被吊销'],
  ['the API key is invalid or has been revoked', 'API 密钥无效或已被吊销'],
  [
    "a department's system may only list its department's tasks, read those requests and decide its steps",
    '部门业务系统只能查看本部门的待办、读取相应办件并对本部门的环节作出决定',
  ],
  [
    'name must be 3-64 letters, digits, dots, underscores or hyphens',
    '名称须为 3 至 64 个字母、数字、点、下划线或连字符',
  ],
  ['id must be the id of a service account', 'id 必须是部门业务系统账号的编号'],
];
