import type { CatalogueEntry } from './translate.js';

/** What the api says about a request's form before any rule of the desk is asked: body, headers, sign-in, roles. */
export const HTTP_MESSAGES: readonly CatalogueEntry[] = [
  ['internal error', '服务内部错误'],
  ['the service is busy with this record; try again in a moment', '该记录正在被处理，请稍后重试'],
  ['the database is unavailable; try again in a moment', '数据库暂时不可用，请稍后重试'],
  ['request body is larger than 1 MB', '请求内容超过 1 MB'],
  ['request body must be a JSON object', '请求内容必须是 JSON 对象'],
  ['request body must be UTF-8', '请求内容必须使用 UTF-8 编码'],
  ['request body is not valid JSON: {detail}', '请求内容不是有效的 JSON：{detail}'],
  ['request body does not decompress as its Content-Encoding says', '请求内容无法按其 Content-Encoding 解压'],
  [
    'Content-Encoding {encoding} is not supported: send the body uncompressed, or as gzip, deflate or br',
    '不支持 Content-Encoding {encoding}：请不压缩发送，或使用 gzip、deflate、br',
  ],
  ['request body nests arrays and objects deeper than {max} levels', '请求内容的数组和对象嵌套超过 {max} 层'],
  [
    'request body has more than {max} items (array elements and object members)',
    '请求内容超过 {max} 项（数组元素与对象成员合计）',
  ],
  [
    // The key as sent (JSON-quoted): any text, spaces and all, not a one-word {key}.
    'request body has the key {sentKey} twice {whereText}: send each key once',
    '请求内容{whereText}的键 {sentKey} 出现了两次：每个键只能出现一次',
  ],
  ['at the top level', '顶层'],
  [
    'request body has a key named {name}, which this api does not accept anywhere',
    '请求内容含有键 {name}：本接口在任何位置都不接受该键',
  ],
  [
    'request body has a string that is not well-formed Unicode (a lone surrogate such as \\ud800)',
    '请求内容含有不合规范的 Unicode 字符串（例如单独的代理项 \\ud800）',
  ],
  ['in {path}', '在 {path} 中'],
  [
    'request body must be JSON sent with Content-Type: application/json, not {type}',
    '请求内容必须是 JSON，并以 Content-Type: application/json 发送，而不是 {type}',
  ],
  [
    'request body must be JSON sent with Content-Type: application/json',
    '请求内容必须是 JSON，并以 Content-Type: application/json 发送',
  ],
  [
    'Idempotency-Key must be one value of 1-128 visible ASCII characters',
    'Idempotency-Key 必须是一个由 1 至 128 个可见 ASCII 字符组成的值',
  ],
  [
    'Idempotency-Key was already used for a different request; use a new key for a new request',
    '该 Idempotency-Key 已用于另一个请求；新的请求请使用新的键',
  ],
  [
    'a bearer token is required: Authorization: Bearer <accessToken>',
    '需要登录：请求须带 Authorization: Bearer <accessToken>',
  ],
  ['the bearer token is invalid or has expired', '登录凭证无效或已过期，请重新登录'],
  ['role {role} may not do this; allowed: {allowed}', '角色 {role} 无权进行此操作；允许的角色：{allowed}'],
  ['invalid username or password', '用户名或密码错误'],
  [
    'this username is locked after repeated failed logins; try again in {minutes} minutes',
    '该用户名因多次登录失败已被锁定，请 {minutes} 分钟后再试',
  ],
  [
    'this username is locked after repeated failed logins; try again in {minutes} minute',
    '该用户名因多次登录失败已被锁定，请 {minutes} 分钟后再试',
  ],
  [
    'too many requests from this caller (limit {limit} per {window} s); try again in {seconds} s',
    '请求过于频繁（每 {window} 秒最多 {limit} 次），请 {seconds} 秒后再试',
  ],
  ['Cannot {method} {path}', '找不到 {method} {path}'],
  ['cursor is not one this api returned', '分页游标无效：请使用接口返回的 nextCursor'],
  ['{what} is down', '{what} 不可用'],
  ['{what} are down', '{what} 不可用'],
];
