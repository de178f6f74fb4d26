import { basename } from 'node:path';

/**
 * The name an uploader gave, made safe to show and to send back in Content-Disposition: the last
 * segment of any path (either separator), without control or bidirectional-override characters,
 * trimmed, at most 255 characters; "file" when nothing is left.
 */
export function safeFileName(input: string | undefined): string {
  const last = basename((input ?? '').replace(/\\/g, '/'));
  const clean = last
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .replace(/^\.+/, '');
  return [...clean].slice(0, 255).join('') || 'file';
}
