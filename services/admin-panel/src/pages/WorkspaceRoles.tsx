import { useState } from 'react';
import { api } from '../api/client';
import type { CustomRole, RoleMember, ServiceAction } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Button, Card, ConfirmButton, Empty, ErrorNotice, Loaded, Loading, SelectField, SuccessNotice, Table, TextField } from '../ui/components';
import { useMembers } from './WorkspaceMembers';

/** Custom RBAC roles of a workspace: each bundles service actions and is assigned to members. */
export function WorkspaceRoles({ workspaceId }: { workspaceId: string }) {
  const roles = useLoad(() => api<CustomRole[]>(`/admin/workspaces/${workspaceId}/roles`), [workspaceId]);
  const action = useAction();
  const [name, setName] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const selected = roles.data?.find((r) => r.id === open);
  return (
    <>
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <Card title="New role">
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(() => api(`/admin/workspaces/${workspaceId}/roles`, { method: 'POST', body: { name } }), `Role ${name} created.`).then((ok) => {
              if (ok) {
                setName('');
                roles.reload();
              }
            });
          }}
        >
          <TextField label="Role name" value={name} onChange={setName} required />
          <Button type="submit" variant="primary" disabled={action.busy}>
            Create role
          </Button>
        </form>
      </Card>
      <Card title="Roles">
        <Loaded state={roles} empty="No custom roles.">
          {(rows) => (
            <Table
              caption="Roles"
              rows={rows}
              rowKey={(r) => r.id}
              columns={[
                { header: 'Name', cell: (r) => <strong>{r.name}</strong> },
                { header: 'Actions', cell: (r) => r.action_count },
                { header: 'Members', cell: (r) => r.member_count },
                {
                  header: <span className="sr-only">Manage</span>,
                  cell: (r) => (
                    <div className="row">
                      <Button onClick={() => setOpen(open === r.id ? null : r.id)} aria-expanded={open === r.id}>
                        {open === r.id ? 'Close' : 'Manage'}
                      </Button>
                      <ConfirmButton
                        label="Delete"
                        question={`Delete the role ${r.name}?`}
                        onConfirm={() => action.run(() => api(`/admin/roles/${r.id}`, { method: 'DELETE' }), `Role ${r.name} deleted.`).then((ok) => ok && roles.reload())}
                      />
                    </div>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
      {selected && <RoleDetail workspaceId={workspaceId} role={selected} onChanged={roles.reload} />}
    </>
  );
}

function RoleDetail({ workspaceId, role, onChanged }: { workspaceId: string; role: CustomRole; onChanged: () => void }) {
  const actions = useLoad(() => api<ServiceAction[]>(`/admin/roles/${role.id}/actions`), [role.id]);
  const allActions = useLoad(() => api<ServiceAction[]>('/admin/service-actions'), []);
  const members = useLoad(() => api<RoleMember[]>(`/admin/roles/${role.id}/members`), [role.id]);
  const candidates = useMembers(workspaceId);
  const action = useAction();
  const [actionId, setActionId] = useState('');
  const [userId, setUserId] = useState('');
  const done = (reload: () => void) => (ok: boolean) => {
    if (!ok) return;
    reload();
    onChanged();
  };
  return (
    <div className="grid">
      <Card title={`Actions of ${role.name}`}>
        <ErrorNotice error={action.error ?? actions.error} />
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(() => api(`/admin/roles/${role.id}/actions`, { method: 'POST', body: { service_action_ids: [actionId] } })).then(done(actions.reload));
          }}
        >
          <SelectField
            label="Service action"
            value={actionId}
            onChange={setActionId}
            options={[['', 'Choose an action…'], ...(allActions.data ?? []).map((a): [string, string] => [a.id, `${a.service_name}: ${a.action}`])]}
          />
          <Button type="submit" variant="primary" disabled={!actionId || action.busy}>
            Attach
          </Button>
        </form>
        {actions.data?.length === 0 && <Empty>No actions attached.</Empty>}
        {actions.data && actions.data.length > 0 && (
          <Table
            caption="Role actions"
            rows={actions.data}
            rowKey={(a) => a.id}
            columns={[
              { header: 'Service', cell: (a) => <code>{a.service_name}</code> },
              { header: 'Action', cell: (a) => <code>{a.action}</code> },
              {
                header: <span className="sr-only">Detach</span>,
                cell: (a) => (
                  <ConfirmButton label="Detach" question={`Detach ${a.action} from ${role.name}?`} onConfirm={() => action.run(() => api(`/admin/roles/${role.id}/actions/${a.id}`, { method: 'DELETE' })).then(done(actions.reload))} />
                ),
              },
            ]}
          />
        )}
      </Card>
      <Card title={`Members of ${role.name}`}>
        <ErrorNotice error={members.error} />
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(() => api(`/admin/roles/${role.id}/members/${userId}`, { method: 'POST' })).then(done(members.reload));
          }}
        >
          <SelectField
            label="Workspace member"
            value={userId}
            onChange={setUserId}
            options={[['', 'Choose a member…'], ...(candidates.data ?? []).map((m): [string, string] => [m.user_id, m.email])]}
          />
          <Button type="submit" variant="primary" disabled={!userId || action.busy}>
            Assign
          </Button>
        </form>
        {members.loading && !members.data && <Loading />}
        {members.data?.length === 0 && <Empty>Nobody has this role.</Empty>}
        {members.data && members.data.length > 0 && (
          <Table
            caption="Role members"
            rows={members.data}
            rowKey={(m) => m.user_id}
            columns={[
              { header: 'Email', cell: (m) => m.email },
              {
                header: <span className="sr-only">Unassign</span>,
                cell: (m) => (
                  <ConfirmButton label="Unassign" question={`Take ${role.name} from ${m.email}?`} onConfirm={() => action.run(() => api(`/admin/roles/${role.id}/members/${m.user_id}`, { method: 'DELETE' })).then(done(members.reload))} />
                ),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
