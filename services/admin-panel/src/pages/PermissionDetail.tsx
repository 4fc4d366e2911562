import { useState } from 'react';
import { api } from '../api/client';
import { itemsOf, type Group, type Page, type Permission } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Badge, Button, Card, ConfirmButton, DefinitionList, Empty, ErrorNotice, Loading, SelectField, SuccessNotice, Table, formatDate } from '../ui/components';
import { useMembers } from './WorkspaceMembers';

/** Who a resource can be shared with: the members and groups of its workspace. */
function useGrantees(workspaceId: string) {
  const members = useMembers(workspaceId);
  const groups = useLoad(async () => (workspaceId ? itemsOf(await api<Group[] | Page<Group>>(`/admin/workspaces/${workspaceId}/groups`)) : []), [workspaceId]);
  return {
    user: (members.data ?? []).map((m): [string, string] => [m.user_id, m.email]),
    group: (groups.data ?? []).map((g): [string, string] => [g.id, g.name]),
  };
}

/** One resource: its ACL, visibility toggle, share and revoke. */
export function PermissionDetail({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const permission = useLoad(() => api<Permission>(`/admin/permissions/${id}`), [id]);
  const action = useAction();
  const [granteeType, setGranteeType] = useState('user');
  const [granteeId, setGranteeId] = useState('');
  const [level, setLevel] = useState('view');
  const done = (ok: boolean) => {
    if (!ok) return;
    permission.reload();
    onChanged();
  };
  const p = permission.data;
  const grantees = useGrantees(p?.workspace_id ?? '');
  return (
    <Card title="Resource detail" actions={<Button onClick={onClose}>Close</Button>}>
      <ErrorNotice error={permission.error ?? action.error} />
      <SuccessNotice message={action.message} />
      {!p && permission.loading && <Loading />}
      {p && (
        <>
          <DefinitionList
            items={[
              ['Resource', <code key="r">{`${p.service_name}/${p.resource_type}/${p.resource_id}`}</code>],
              ['Workspace', <code key="w">{p.workspace_id}</code>],
              ['Owner', p.owner_email ?? p.owner_id ?? '—'],
              ['Visibility', <Badge key="v">{p.visibility}</Badge>],
              ['Created', formatDate(p.created_at)],
            ]}
          />
          <div className="row end">
            <Button
              onClick={() => {
                const visibility = p.visibility === 'private' ? 'workspace' : 'private';
                void action.run(() => api(`/admin/permissions/${id}/visibility`, { method: 'PATCH', body: { visibility } }), `Visibility is now ${visibility}.`).then(done);
              }}
            >
              Make {p.visibility === 'private' ? 'workspace-visible' : 'private'}
            </Button>
          </div>
          <h2>Shares</h2>
          {(p.shares ?? []).length === 0 ? (
            <Empty>Not shared with anyone.</Empty>
          ) : (
            <Table
              caption="Shares"
              rows={p.shares ?? []}
              rowKey={(s) => s.id}
              columns={[
                { header: 'Grantee', cell: (s) => `${s.grantee_type} ${s.grantee_email ?? s.grantee_name ?? s.grantee_id}` },
                { header: 'Permission', cell: (s) => <Badge tone="info">{s.permission}</Badge> },
                { header: 'Granted', cell: (s) => formatDate(s.granted_at) },
                {
                  header: <span className="sr-only">Revoke</span>,
                  cell: (s) => (
                    <ConfirmButton
                      label="Revoke"
                      question={`Revoke this ${s.grantee_type}'s ${s.permission} access?`}
                      onConfirm={() =>
                        action
                          .run(() => api(`/admin/permissions/${id}/share`, { method: 'DELETE', query: { grantee_type: s.grantee_type, grantee_id: s.grantee_id } }), 'Share revoked.')
                          .then(done)
                      }
                    />
                  ),
                },
              ]}
            />
          )}
          <form
            className="filters"
            onSubmit={(e) => {
              e.preventDefault();
              void action
                .run(() => api(`/admin/permissions/${id}/share`, { method: 'POST', body: { grantee_type: granteeType, grantee_id: granteeId, permission: level } }), 'Shared.')
                .then(done);
            }}
          >
            <SelectField
              label="Grantee type"
              value={granteeType}
              onChange={(value) => {
                setGranteeType(value);
                setGranteeId('');
              }}
              options={[['user', 'User'], ['group', 'Group']]}
            />
            <SelectField
              label={granteeType === 'user' ? 'Member' : 'Group'}
              value={granteeId}
              onChange={setGranteeId}
              options={[['', 'Choose…'], ...(granteeType === 'user' ? grantees.user : grantees.group)]}
            />
            <SelectField label="Permission" value={level} onChange={setLevel} options={[['view', 'View'], ['edit', 'Edit']]} />
            <Button type="submit" variant="primary" disabled={!granteeId || action.busy}>
              Share
            </Button>
          </form>
        </>
      )}
    </Card>
  );
}
