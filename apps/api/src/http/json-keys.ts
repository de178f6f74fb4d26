import { decodeBody } from './json-depth.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

type Frame =
  | { kind: 'object'; path: string; keys: Set<string>; expectingKey: boolean; key?: string }
  | { kind: 'array'; path: string; index: number };

const childPath = (parent: Frame | undefined): string => {
  if (!parent) return '';
  if (parent.kind === 'array') return `${parent.path}[${parent.index}]`;
  const key = parent.key ?? '';
  const name = /^[\p{L}\p{N}_$-]+$/u.test(key) ? key : JSON.stringify(key);
  return parent.path ? `${parent.path}.${name}` : name;
};

/**
 * The first key written twice in one object of a JSON text, and where that object is (`form.owner`,
 * `materials[1]`, '' for the top level). JSON.parse keeps the last of the two silently, so
 * `{"reason":"a","reason":"b"}` would be read as "b" while a proxy, a log or an audit trail that
 * reads the first sees "a". Keys are compared as JSON.parse reads them: `"a"` and `"\u0061"` are
 * one key. Text that is not JSON gives null: the parser says what is wrong with it.
 */
export function firstDuplicateKey(text: string): { key: string; at: string } | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (code === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) {
          escaped = true;
          i++;
        } else if (c === QUOTE) {
          break;
        }
      }
      if (top?.kind !== 'object' || !top.expectingKey) continue;
      let key: string;
      try {
        key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      } catch {
        return null;
      }
      if (top.keys.has(key)) return { key, at: top.path };
      top.keys.add(key);
      top.key = key;
      top.expectingKey = false;
      continue;
    }
    switch (text[i]) {
      case '{':
        stack.push({ kind: 'object', path: childPath(top), keys: new Set(), expectingKey: true });
        break;
      case '[':
        stack.push({ kind: 'array', path: childPath(top), index: 0 });
        break;
      case '}':
      case ']':
        stack.pop();
        break;
      case ',':
        if (top?.kind === 'object') top.expectingKey = true;
        else if (top?.kind === 'array') top.index++;
        break;
    }
  }
  return null;
}

/** The start of the message a body with a key written twice in one object gets. */
export const DUPLICATE_KEY = 'request body has the key';

/** body-parser's `verify` hook: refuses a body with a key written twice in one object with 400, before it is parsed. */
export function rejectDuplicateKeys(_req: unknown, _res: unknown, body: Buffer, encoding?: string | null): void {
  const duplicate = firstDuplicateKey(decodeBody(body, encoding));
  if (!duplicate) return;
  const key = duplicate.key.length > 64 ? `${duplicate.key.slice(0, 64)}…` : duplicate.key;
  const where = duplicate.at ? `in ${duplicate.at}` : 'at the top level';
  throw Object.assign(new Error(`${DUPLICATE_KEY} ${JSON.stringify(key)} twice ${where}: send each key once`), {
    status: 400,
    type: 'entity.duplicate.key',
  });
}
