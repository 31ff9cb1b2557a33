// Routing by URL hash: every view is one page load of `/` (dashboard/CONTRACT.md).
export type Route = { view: 'overview' } | { view: 'session'; id: string } | { view: 'replay' };

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, '');
  const session = /^\/session\/([^/?#]+)/.exec(hash);
  if (session?.[1] !== undefined) {
    try {
      return { view: 'session', id: decodeURIComponent(session[1]) };
    } catch {
      return { view: 'overview' };
    }
  }
  if (/^\/replay\/?$/.test(hash)) return { view: 'replay' };
  return { view: 'overview' };
}

export function sessionHref(id: string): string {
  return `#/session/${encodeURIComponent(id)}`;
}

export function onRouteChange(listener: (route: Route) => void): void {
  window.addEventListener('hashchange', () => listener(currentRoute()));
}
