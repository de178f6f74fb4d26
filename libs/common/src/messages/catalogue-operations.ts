import type { CatalogueEntry } from './translate.js';

/** The operator's routes: /metrics. */
export const OPERATIONS_MESSAGES: readonly CatalogueEntry[] = [
  [
    'a bearer token is required: the metrics token or an admin’s access token',
    '需要持有者令牌：指标令牌，或管理员的访问令牌',
  ],
  [
    'only an admin or a scraper with the metrics token reads the metrics',
    '只有管理员或持有指标令牌的采集程序可以读取指标',
  ],
];
