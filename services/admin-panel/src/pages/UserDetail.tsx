import { useState } from 'react';
import { api } from '../api/client';
import { ROLES, type UserDetail } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Link } from '../router';
import { ActiveBadge, Badge, Button, Card, ConfirmButton, DefinitionList, Empty, ErrorNotice, Loading, PageHeader, SelectField, SuccessNotice, Table, formatDate } from '../ui/components';

export function UserDetailPage({ id }: { id: string }) {
  const user = useLoad(() => api<UserDetail>(`/admin/users/${id}`), [id]);
  const workspaces = useLoad(() => api<Array<{ id: string; name: string; slug: string }>>('/admin/workspaces/all'), []);
  const action = useAction();
  const [workspaceId, setWorkspaceId] = useState('');
  const [role, setRole] = useState('viewer');

  const patch = (body: object, message: string) =>
    action.run(() => api(`/admin/users/${id}`, { method: 'PATCH', body }), message).then((ok) => ok && user.reload());

  if (user.error) return <ErrorNotice error={user.error} />;
  if (!user.data) return <Loading />;
  const u = user.data;
  return (
    <>
      <PageHeader
        title={u.name || u.email}
        subtitle={u.email}
        actions={
          <>
            {u.is_active ? (
              <ConfirmButton label="Deactivate" question={`Deactivate ${u.email}? Their sessions end and they can no longer sign in.`} onConfirm={() => patch({ is_active: false }, 'User deactivated.')} />
            ) : (
              <Button variant="primary" onClick={() => void patch({ is_active: true }, 'User activated.')}>
                Activate
              </Button>
            )}
            {u.is_admin ? (
              <ConfirmButton label="Remove admin" question={`Remove ${u.email}'s administrator rights?`} onConfirm={() => patch({ is_admin: false }, 'Admin rights removed.')} />
            ) : (
              <Button onClick={() => void patch({ is_admin: true }, 'User is now an administrator.')}>Make admin</Button>
            )}
            <ConfirmButton
              label="Revoke sessions"
              question={`Sign ${u.email} out everywhere? Every refresh token and live access token is revoked.`}
              onConfirm={() => action.run(() => api(`/admin/users/${id}/revoke-tokens`, { method: 'POST' }), 'Sessions revoked.')}
            />
          </>
        }
      />
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <Card title="Profile">
        <DefinitionList
          items={[
            ['Status', <ActiveBadge key="s" active={u.is_active} />],
            ['Administrator', u.is_admin ? <Badge tone="info">Yes</Badge> : 'No'],
            ['Created', formatDate(u.created_at)],
            ['User id', <code key="id">{u.id}</code>],
          ]}
        />
      </Card>
      <div className="grid">
        <Card title="Linked accounts">
          {u.social_accounts.length === 0 ? (
            <Empty>No linked account (imported user).</Empty>
          ) : (
            <Table
              caption="Linked accounts"
              rows={u.social_accounts}
              rowKey={(a) => a.id}
              columns={[
                { header: 'Provider', cell: (a) => <Badge>{a.provider}</Badge> },
                { header: 'Provider user id', cell: (a) => <code>{a.provider_user_id}</code> },
              ]}
            />
          )}
        </Card>
        <Card title="Add to workspace">
          <ErrorNotice error={workspaces.error} />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void action
                .run(() => api(`/admin/users/${id}/workspaces`, { method: 'POST', body: { workspace_id: workspaceId, role } }), 'Added to the workspace.')
                .then((ok) => ok && user.reload());
            }}
          >
            <SelectField
              label="Workspace"
              value={workspaceId}
              onChange={setWorkspaceId}
              options={[['', 'Choose a workspace…'], ...(workspaces.data ?? []).map((w): [string, string] => [w.id, `${w.name} (${w.slug})`])]}
            />
            <SelectField label="Role" value={role} onChange={setRole} options={ROLES.map((r): [string, string] => [r, r])} />
            <Button type="submit" variant="primary" disabled={!workspaceId || action.busy}>
              Add to workspace
            </Button>
          </form>
        </Card>
      </div>
      <Card title="Memberships">
        {u.memberships.length === 0 ? (
          <Empty>Not a member of any workspace.</Empty>
        ) : (
          <Table
            caption="Memberships"
            rows={u.memberships}
            rowKey={(m) => m.workspace_id}
            columns={[
              { header: 'Workspace', cell: (m) => <Link href={`/workspaces/${m.workspace_id}`}>{m.workspace_name}</Link> },
              { header: 'Slug', cell: (m) => <code>{m.workspace_slug}</code> },
              { header: 'Role', cell: (m) => <Badge>{m.role}</Badge> },
              { header: 'Joined', cell: (m) => formatDate(m.joined_at) },
            ]}
          />
        )}
      </Card>
    </>
  );
}
