import type { CatalogueEntry } from './translate.js';

/** Materials as files: uploads, their limits and types, and who may read them. */
export const FILES_MESSAGES: readonly CatalogueEntry[] = [
  ['file {id}', '文件 {id}'],
  ['file {id} of request {number}', '办件 {number} 的文件 {id}'],
  ['the file is larger than the limit of {max} bytes', '文件超过大小上限（{max} 字节）'],
  [
    'the files of a request add up to {total} bytes, more than the limit of {max}',
    '一个办件的文件合计 {total} 字节，超过上限 {max} 字节',
  ],
  [
    'the file is of type {type}; a material must be a PDF, JPEG, PNG or OFD file',
    '文件类型为 {type}；材料须为 PDF、JPEG、PNG 或 OFD 文件',
  ],
  ['the file is empty', '文件为空'],
  ['a clerk uploads for a company: give companyUscc', '窗口人员为企业上传文件：请给出 companyUscc'],
  ['an applicant uploads for their own company', '企业办事人只能为本企业上传文件'],
  ['files are uploaded by applicants and clerks', '只有企业办事人和窗口人员可以上传文件'],
  [
    'the upload must be multipart/form-data with a boundary, its file in a part named file',
    '上传须为带 boundary 的 multipart/form-data，文件放在名为 file 的部分',
  ],
  [
    'an upload must be sent as multipart/form-data, its file in a part named file',
    '上传须以 multipart/form-data 发送，文件放在名为 file 的部分',
  ],
  [
    'an upload is sent uncompressed, without Content-Encoding {encoding}',
    '上传须不经压缩发送，不带 Content-Encoding {encoding}',
  ],
  ['the multipart body is malformed', 'multipart 请求体格式有误'],
  ['the upload has no part named file', '上传内容中没有名为 file 的部分'],
  ['fileId must be the id of an uploaded file', 'fileId 必须是已上传文件的编号'],
  [
    'companyUscc must be a USCC of 18 digits and capital letters',
    'companyUscc 必须是由 18 位数字和大写字母组成的统一社会信用代码',
  ],
];
