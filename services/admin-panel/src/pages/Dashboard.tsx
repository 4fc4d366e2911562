import { api } from '../api/client';
import type { ActivityEntry, Page, Stats } from '../api/types';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { ActiveBadge, Card, ErrorNotice, Loaded, PageHeader, Stat, Table, formatDate } from '../ui/components';
import { ActivityTable } from './Activity';

export function DashboardPage() {
  const stats = useLoad(() => api<Stats>('/admin/stats'), []);
  const activity = useLoad(() => api<Page<ActivityEntry>>('/admin/activity', { query: { page: 1, page_size: 10 } }), []);
  return (
    <>
      <PageHeader title="Dashboard" subtitle="Sentinel at a glance" />
      <Loaded state={stats}>
        {(s) => (
          <>
            <div className="stats">
              <Stat label="Users" value={s.total_users} />
              <Stat label="Active users" value={s.active_users} />
              <Stat label="Inactive users" value={s.inactive_users} />
              <Stat label="Workspaces" value={s.total_workspaces} />
              <Stat label="Groups" value={s.total_groups} />
              <Stat label="Resources" value={s.total_resources} />
            </div>
            <div className="grid">
              <Card title="Recent users">
                <Table
                  caption="Recent users"
                  rows={s.recent_users}
                  rowKey={(u) => u.id}
                  columns={[
                    { header: 'User', cell: (u) => <Link href={`/users/${u.id}`}>{u.email}</Link> },
                    { header: 'Status', cell: (u) => <ActiveBadge active={u.is_active} /> },
                    { header: 'Joined', cell: (u) => formatDate(u.created_at) },
                  ]}
                />
              </Card>
              <Card title="Top workspaces">
                <Table
                  caption="Top workspaces"
                  rows={s.top_workspaces}
                  rowKey={(w) => w.id}
                  columns={[
                    { header: 'Workspace', cell: (w) => <Link href={`/workspaces/${w.id}`}>{w.name}</Link> },
                    { header: 'Slug', cell: (w) => <code>{w.slug}</code> },
                    { header: 'Members', cell: (w) => w.member_count },
                  ]}
                />
              </Card>
            </div>
          </>
        )}
      </Loaded>
      <Card title="Recent activity" actions={<Link href="/activity">Full log</Link>}>
        <ErrorNotice error={activity.error} />
        {activity.data && <ActivityTable entries={activity.data.items} />}
      </Card>
    </>
  );
}
