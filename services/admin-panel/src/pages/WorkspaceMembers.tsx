import { useState } from 'react';
import { api } from '../api/client';
import { itemsOf, ROLES, type Member, type Page } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Link } from '../router';
import { Button, Card, ConfirmButton, ErrorNotice, Loaded, SelectField, SuccessNotice, Table, TextField, formatDate } from '../ui/components';

const roleOptions = ROLES.map((r): [string, string] => [r, r]);

/** The workspace's members (also what the groups and roles tabs pick from). */
export function useMembers(workspaceId: string) {
  return useLoad(async () => (workspaceId ? itemsOf(await api<Member[] | Page<Member>>(`/admin/workspaces/${workspaceId}/members`, { query: { limit: 1000 } })) : []), [workspaceId]);
}

export function WorkspaceMembers({ workspaceId }: { workspaceId: string }) {
  const members = useMembers(workspaceId);
  const action = useAction();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('viewer');
  const base = `/admin/workspaces/${workspaceId}/members`;
  const then = (ok: boolean) => ok && members.reload();
  return (
    <>
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <Card title="Add a member">
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(() => api(`${base}/invite`, { method: 'POST', body: { email, role } }), `${email} added.`).then(then);
          }}
        >
          <TextField label="Email" type="email" value={email} onChange={setEmail} required />
          <SelectField label="Role" value={role} onChange={setRole} options={roleOptions} />
          <Button type="submit" variant="primary" disabled={action.busy}>
            Add member
          </Button>
        </form>
      </Card>
      <Card title="Members">
        <Loaded state={members} empty="No members.">
          {(rows) => (
            <Table
              caption="Members"
              rows={rows}
              rowKey={(m) => m.user_id}
              columns={[
                { header: 'Email', cell: (m) => <Link href={`/users/${m.user_id}`}>{m.email}</Link> },
                { header: 'Name', cell: (m) => m.name },
                {
                  header: 'Role',
                  cell: (m) => (
                    <select
                      aria-label={`Role of ${m.email}`}
                      value={m.role}
                      onChange={(e) => void action.run(() => api(`${base}/${m.user_id}`, { method: 'PATCH', body: { role: e.target.value } }), `${m.email} is now ${e.target.value}.`).then(then)}
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  ),
                },
                { header: 'Joined', cell: (m) => formatDate(m.joined_at) },
                {
                  header: <span className="sr-only">Actions</span>,
                  cell: (m) => (
                    <ConfirmButton
                      label="Remove"
                      question={`Remove ${m.email} from this workspace? Their sessions are revoked.`}
                      onConfirm={() => action.run(() => api(`${base}/${m.user_id}`, { method: 'DELETE' }), `${m.email} removed.`).then(then)}
                    />
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
    </>
  );
}
