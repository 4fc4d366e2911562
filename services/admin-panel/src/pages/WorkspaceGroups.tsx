import { useState } from 'react';
import { api } from '../api/client';
import { itemsOf, type Group, type GroupMember, type Page } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Button, Card, ConfirmButton, Empty, ErrorNotice, Loaded, SelectField, SuccessNotice, Table, TextField } from '../ui/components';
import { useMembers } from './WorkspaceMembers';

export function WorkspaceGroups({ workspaceId }: { workspaceId: string }) {
  const groups = useLoad(async () => itemsOf(await api<Group[] | Page<Group>>(`/admin/workspaces/${workspaceId}/groups`)), [workspaceId]);
  const action = useAction();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <Card title="New group">
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void action
              .run(() => api(`/admin/workspaces/${workspaceId}/groups`, { method: 'POST', body: { name, description: description || undefined } }), `Group ${name} created.`)
              .then((ok) => {
                if (!ok) return;
                setName('');
                setDescription('');
                groups.reload();
              });
          }}
        >
          <TextField label="Group name" value={name} onChange={setName} required />
          <TextField label="Description" value={description} onChange={setDescription} />
          <Button type="submit" variant="primary" disabled={action.busy}>
            Create group
          </Button>
        </form>
      </Card>
      <Card title="Groups">
        <Loaded state={groups} empty="No groups.">
          {(rows) => (
            <Table
              caption="Groups"
              rows={rows}
              rowKey={(g) => g.id}
              columns={[
                { header: 'Name', cell: (g) => <strong>{g.name}</strong> },
                { header: 'Description', cell: (g) => g.description ?? '—' },
                {
                  header: <span className="sr-only">Actions</span>,
                  cell: (g) => (
                    <div className="row">
                      <Button onClick={() => setOpen(open === g.id ? null : g.id)} aria-expanded={open === g.id}>
                        {open === g.id ? 'Hide members' : 'Members'}
                      </Button>
                      <ConfirmButton
                        label="Delete"
                        question={`Delete the group ${g.name}? Shares to it stop granting access.`}
                        onConfirm={() => action.run(() => api(`/admin/groups/${g.id}`, { method: 'DELETE' }), `Group ${g.name} deleted.`).then((ok) => ok && groups.reload())}
                      />
                    </div>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
      {open && groups.data?.some((g) => g.id === open) && <GroupMembers workspaceId={workspaceId} group={groups.data.find((g) => g.id === open)!} />}
    </>
  );
}

function GroupMembers({ workspaceId, group }: { workspaceId: string; group: Group }) {
  const members = useLoad(() => api<GroupMember[]>(`/admin/groups/${group.id}/members`), [group.id]);
  const candidates = useMembers(workspaceId);
  const action = useAction();
  const [userId, setUserId] = useState('');
  const then = (ok: boolean) => ok && members.reload();
  return (
    <Card title={`Members of ${group.name}`}>
      <ErrorNotice error={members.error ?? action.error} />
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(() => api(`/admin/groups/${group.id}/members/${userId}`, { method: 'POST' })).then(then);
        }}
      >
        <SelectField
          label="Workspace member"
          value={userId}
          onChange={setUserId}
          options={[['', 'Choose a member…'], ...(candidates.data ?? []).map((m): [string, string] => [m.user_id, m.email])]}
        />
        <Button type="submit" variant="primary" disabled={!userId || action.busy}>
          Add to group
        </Button>
      </form>
      {members.data?.length === 0 && <Empty>No members in this group.</Empty>}
      {members.data && members.data.length > 0 && (
        <Table
          caption={`Members of ${group.name}`}
          rows={members.data}
          rowKey={(m) => m.user_id}
          columns={[
            { header: 'Email', cell: (m) => m.email },
            { header: 'Name', cell: (m) => m.name },
            {
              header: <span className="sr-only">Actions</span>,
              cell: (m) => (
                <ConfirmButton
                  label="Remove"
                  question={`Remove ${m.email} from ${group.name}?`}
                  onConfirm={() => action.run(() => api(`/admin/groups/${group.id}/members/${m.user_id}`, { method: 'DELETE' })).then(then)}
                />
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
