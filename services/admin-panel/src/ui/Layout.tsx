import type { ReactNode } from 'react';
import { api } from '../api/client';
import type { AdminMe } from '../api/types';
import { Link, navigate } from '../router';
import { Button } from './components';

const NAV: Array<[string, string]> = [
  ['/', 'Dashboard'],
  ['/users', 'Users'],
  ['/workspaces', 'Workspaces'],
  ['/permissions', 'Permissions'],
  ['/service-actions', 'Service actions'],
  ['/client-apps', 'Client apps'],
  ['/service-apps', 'Service apps'],
  ['/activity', 'Activity log'],
  ['/system', 'System health'],
  ['/settings', 'Settings'],
];

const isCurrent = (href: string, path: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));

export function Layout({ me, path, children }: { me: AdminMe; path: string; children: ReactNode }) {
  const signOut = async () => {
    try {
      await api('/auth/admin/logout', { method: 'POST' });
    } finally {
      navigate('/login', { replace: true });
    }
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">Sentinel admin</div>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <Link key={href} href={href} aria-current={isCurrent(href, path) ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
      </aside>
      <main className="main" id="content" tabIndex={-1}>
        <div className="topbar">
          <span>
            Signed in as <strong>{me.email}</strong>
          </span>
          <Button variant="ghost" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
        {children}
      </main>
    </div>
  );
}
