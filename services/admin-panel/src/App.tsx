import type { ReactNode } from 'react';
import { api } from './api/client';
import type { AdminMe } from './api/types';
import { useLoad } from './hooks';
import { ActivityPage } from './pages/Activity';
import { ClientAppDetailPage, ClientAppsPage } from './pages/ClientApps';
import { DashboardPage } from './pages/Dashboard';
import { LoginPage } from './pages/Login';
import { PermissionsPage } from './pages/Permissions';
import { ServiceActionsPage } from './pages/ServiceActions';
import { ServiceAppDetailPage, ServiceAppsPage } from './pages/ServiceApps';
import { SettingsPage } from './pages/Settings';
import { SystemPage } from './pages/System';
import { UserDetailPage } from './pages/UserDetail';
import { UsersPage } from './pages/Users';
import { WorkspaceDetailPage } from './pages/WorkspaceDetail';
import { WorkspacesPage } from './pages/Workspaces';
import { Link, match, useLocation } from './router';
import { Layout } from './ui/Layout';
import { ErrorNotice, Loading } from './ui/components';

type Page = (params: Record<string, string>) => ReactNode;

const ROUTES: Array<[string, Page]> = [
  ['/', () => <DashboardPage />],
  ['/users', () => <UsersPage />],
  ['/users/:id', (p) => <UserDetailPage id={p.id!} />],
  ['/workspaces', () => <WorkspacesPage />],
  ['/workspaces/:id', (p) => <WorkspaceDetailPage id={p.id!} />],
  ['/permissions', () => <PermissionsPage />],
  ['/service-actions', () => <ServiceActionsPage />],
  ['/client-apps', () => <ClientAppsPage />],
  ['/client-apps/:id', (p) => <ClientAppDetailPage id={p.id!} />],
  ['/service-apps', () => <ServiceAppsPage />],
  ['/service-apps/:id', (p) => <ServiceAppDetailPage id={p.id!} />],
  ['/activity', () => <ActivityPage />],
  ['/system', () => <SystemPage />],
  ['/settings', () => <SettingsPage />],
];

function routeOf(path: string): ReactNode {
  for (const [pattern, page] of ROUTES) {
    const params = match(pattern, path);
    if (params) return page(params);
  }
  return (
    <p>
      This page does not exist. <Link href="/">Back to the dashboard</Link>
    </p>
  );
}

export function App() {
  const { path } = useLocation();
  if (path === '/login') return <LoginPage />;
  return <Signed path={path} />;
}

/** Every page but sign-in needs a live admin session (a 401 sends the user to /login). */
function Signed({ path }: { path: string }) {
  const me = useLoad(() => api<AdminMe>('/auth/admin/me'), []);
  if (me.error) return <ErrorNotice error={me.error} />;
  if (!me.data) return <Loading />;
  return (
    <Layout me={me.data} path={path}>
      <div key={path}>{routeOf(path)}</div>
    </Layout>
  );
}
