import { useEffect, useState } from 'react';
import { api } from '../api/client';

export interface Names {
  departments: Record<string, string>;
  items: Record<string, string>;
  halls: Record<string, string>;
}

let cache: Promise<Names> | null = null;

type Listed = '/api/v1/departments' | '/api/v1/items' | '/api/v1/halls';

/** Every entry of a public catalogue list, page by page (at most 5,000). */
export async function listAll(path: Listed): Promise<{ code: string; name: string }[]> {
  const all: { code: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.GET(path, { params: { query: { limit: 100, cursor } } });
    if (!page.data) break;
    all.push(...page.data.items);
    cursor = page.data.nextCursor ?? undefined;
  } while (cursor && all.length < 5000);
  return all;
}

/** Names beside codes (departments, items, halls), read once from the public catalogue. */
async function loadNames(): Promise<Names> {
  const [departments, items, halls] = await Promise.all([
    listAll('/api/v1/departments'),
    listAll('/api/v1/items'),
    listAll('/api/v1/halls'),
  ]);
  const byCode = (list: { code: string; name: string }[]) => Object.fromEntries(list.map((e) => [e.code, e.name]));
  return { departments: byCode(departments), items: byCode(items), halls: byCode(halls) };
}

export function useNames(): Names {
  const [names, setNames] = useState<Names>({ departments: {}, items: {}, halls: {} });
  useEffect(() => {
    cache ??= loadNames().catch(() => {
      cache = null;
      return { departments: {}, items: {}, halls: {} };
    });
    void cache.then(setNames);
  }, []);
  return names;
}

/** "名称 (CODE)" when the name is known, else the code. */
export const named = (names: Record<string, string>, code: string | null | undefined) =>
  !code ? '—' : names[code] ? `${names[code]}（${code}）` : code;
