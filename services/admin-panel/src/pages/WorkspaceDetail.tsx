import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Workspace } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { navigate } from '../router';
import { Button, Card, ConfirmButton, DefinitionList, ErrorNotice, Loading, PageHeader, SuccessNotice, Tabs, TextArea, TextField, formatDate } from '../ui/components';
import { WorkspaceGroups } from './WorkspaceGroups';
import { WorkspaceMembers } from './WorkspaceMembers';
import { WorkspaceRoles } from './WorkspaceRoles';

type Tab = 'members' | 'groups' | 'roles' | 'settings';

export function WorkspaceDetailPage({ id }: { id: string }) {
  const workspace = useLoad(() => api<Workspace>(`/admin/workspaces/${id}`), [id]);
  const [tab, setTab] = useState<Tab>('members');
  const action = useAction();
  if (workspace.error) return <ErrorNotice error={workspace.error} />;
  if (!workspace.data) return <Loading />;
  const w = workspace.data;
  return (
    <>
      <PageHeader
        title={w.name}
        subtitle={<code>{w.slug}</code>}
        actions={
          <ConfirmButton
            label="Delete workspace"
            question={`Delete ${w.name}? Its memberships, groups, roles and permissions are deleted with it.`}
            onConfirm={() => action.run(() => api(`/admin/workspaces/${id}`, { method: 'DELETE' })).then((ok) => ok && navigate('/workspaces'))}
          />
        }
      />
      <ErrorNotice error={action.error} />
      <Card>
        <DefinitionList
          items={[
            ['Description', w.description ?? '—'],
            ['Members', w.member_count ?? '—'],
            ['Groups', w.group_count ?? '—'],
            ['Created', formatDate(w.created_at)],
            ['Workspace id', <code key="id">{w.id}</code>],
          ]}
        />
      </Card>
      <Tabs<Tab>
        tabs={[
          ['members', 'Members'],
          ['groups', 'Groups'],
          ['roles', 'Roles'],
          ['settings', 'Edit'],
        ]}
        active={tab}
        onChange={setTab}
      />
      {tab === 'members' && <WorkspaceMembers workspaceId={id} />}
      {tab === 'groups' && <WorkspaceGroups workspaceId={id} />}
      {tab === 'roles' && <WorkspaceRoles workspaceId={id} />}
      {tab === 'settings' && <EditWorkspace workspace={w} onSaved={workspace.reload} />}
    </>
  );
}

function EditWorkspace({ workspace, onSaved }: { workspace: Workspace; onSaved: () => void }) {
  const [name, setName] = useState(workspace.name);
  const [description, setDescription] = useState(workspace.description ?? '');
  useEffect(() => {
    setName(workspace.name);
    setDescription(workspace.description ?? '');
  }, [workspace]);
  const action = useAction();
  return (
    <Card title="Edit workspace">
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(() => api(`/admin/workspaces/${workspace.id}`, { method: 'PATCH', body: { name, description } }), 'Saved.').then((ok) => ok && onSaved());
        }}
      >
        <TextField label="Name" value={name} onChange={setName} required />
        <TextArea label="Description" value={description} onChange={setDescription} />
        <Button type="submit" variant="primary" disabled={action.busy}>
          Save
        </Button>
      </form>
    </Card>
  );
}
