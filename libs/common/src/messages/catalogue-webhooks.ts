import type { CatalogueEntry } from './translate.js';

/** Signed webhooks out: the admins' subscriptions and deliveries. */
export const WEBHOOK_MESSAGES: readonly CatalogueEntry[] = [
  ['webhook subscription {id}', 'Webhook 订阅 {id}'],
  ['webhook delivery {id}', 'Webhook 投递 {id}'],
  ['webhook subscription {id} is already disabled', 'Webhook 订阅 {id} 已停用'],
  ['webhook subscription {id} is disabled', 'Webhook 订阅 {id} 已停用，不能重发'],
  ['webhook delivery {id} is still being sent', 'Webhook 投递 {id} 仍在发送中'],
  ['url must be an absolute http or https address', 'url 必须是完整的 http 或 https 地址'],
  ['url must not carry a user name or password', 'url 不得包含用户名或密码'],
  ['url must be at most 2000 characters', 'url 至多 2000 个字符'],
  ['url host {host} does not resolve', 'url 的主机 {host} 无法解析'],
  [
    'url host {host} resolves to {address}, a loopback, private, link-local or metadata address; an admin may allow the host in WEBHOOK_ALLOWED_HOSTS',
    'url 的主机 {host} 解析为 {address}，属于回环、内网、链路本地或元数据地址；管理员可在 WEBHOOK_ALLOWED_HOSTS 中放行该主机',
  ],
  [
    'events: {unknown} is not an event type or pattern; use * or one of {families} or an exact type',
    'events：{unknown} 不是事件类型或模式；请使用 *、{families} 之一或确切的事件类型',
  ],
  ['events must be a list of event types or patterns', 'events 必须是事件类型或模式的列表'],
  ['events must name at least one event type or pattern', 'events 至少须列出一个事件类型或模式'],
  ['events must name at most 30 event types or patterns', 'events 至多列出 30 个事件类型或模式'],
  [
    'events must be types such as step.approved or patterns such as step.*',
    'events 必须是 step.approved 这样的类型或 step.* 这样的模式',
  ],
  [
    'secret must be whsec_ followed by the base64 of 24 to 64 random bytes',
    'secret 必须是 whsec_ 加上 24 至 64 个随机字节的 base64',
  ],
  ['status must be one of pending, delivered, failed', 'status 必须是 pending、delivered、failed 之一'],
  ['subscriptionId must be the id of a webhook subscription', 'subscriptionId 必须是 Webhook 订阅的编号'],
  ['deliveryId must be the id of a webhook delivery', 'deliveryId 必须是 Webhook 投递的编号'],
];
