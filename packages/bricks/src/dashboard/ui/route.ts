// The app's pages are addressed by the URL's hash (#/logs, #/traces/ID), so the daemon serves one
// document for all of them, and links, Back and bookmarks work.
import { useEffect, useState } from 'preact/hooks';

export type Page =
  | { readonly kind: 'services' }
  | { readonly kind: 'logs'; readonly replica?: string }
  | { readonly kind: 'metrics' }
  | { readonly kind: 'traces' }
  | { readonly kind: 'trace'; readonly id: string }
  | { readonly kind: 'releases' }
  | { readonly kind: 'topology' };

export function parseHash(hash: string): Page {
  const [, first = '', second] = hash.replace(/^#/, '').split('/');
  switch (first) {
    case 'logs':
      return second !== undefined && second !== '' ? { kind: 'logs', replica: decodeURIComponent(second) } : { kind: 'logs' };
    case 'metrics':
      return { kind: 'metrics' };
    case 'traces':
      return second !== undefined && second !== '' ? { kind: 'trace', id: decodeURIComponent(second) } : { kind: 'traces' };
    case 'releases':
      return { kind: 'releases' };
    case 'topology':
      return { kind: 'topology' };
    default:
      return { kind: 'services' };
  }
}

export const hrefOf = {
  logs: (replica?: string) => (replica === undefined ? '#/logs' : `#/logs/${encodeURIComponent(replica)}`),
  trace: (id: string) => `#/traces/${encodeURIComponent(id)}`,
};

export function usePage(): Page {
  const [page, setPage] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = (): void => setPage(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return page;
}
