import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ClientApp } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Link, navigate } from '../router';
import { ActiveBadge, Button, Card, ConfirmButton, DefinitionList, Dialog, ErrorNotice, Loaded, Loading, PageHeader, SuccessNotice, Table, TextArea, TextField, formatDate } from '../ui/components';

const uriList = (text: string) => text.split(/\s+/).filter(Boolean);

/** Client apps: the redirect-URI allowlist of provider login. */
export function ClientAppsPage() {
  const list = useLoad(() => api<ClientApp[]>('/admin/client-apps'), []);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Client apps"
        subtitle="Frontends allowed to start a login, by exact redirect URI"
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New client app
          </Button>
        }
      />
      <Card>
        <Loaded state={list} empty="No client app yet.">
          {(apps) => (
            <Table
              caption="Client apps"
              rows={apps}
              rowKey={(a) => a.id}
              columns={[
                { header: 'Name', cell: (a) => <Link href={`/client-apps/${a.id}`}>{a.name}</Link> },
                { header: 'Redirect URIs', cell: (a) => a.redirect_uris.map((u) => <div key={u}><code>{u}</code></div>) },
                { header: 'Status', cell: (a) => <ActiveBadge active={a.is_active} /> },
                { header: 'Created', cell: (a) => formatDate(a.created_at) },
              ]}
            />
          )}
        </Loaded>
      </Card>
      <CreateClientApp open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateClientApp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [uris, setUris] = useState('');
  const action = useAction();
  return (
    <Dialog title="New client app" open={open} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const app = await api<ClientApp>('/admin/client-apps', { method: 'POST', body: { name, redirect_uris: uriList(uris) } });
            navigate(`/client-apps/${app.id}`);
          });
        }}
      >
        <ErrorNotice error={action.error} />
        <TextField label="Name" value={name} onChange={setName} required />
        <TextArea label="Redirect URIs" value={uris} onChange={setUris} hint="One per line; http(s), matched exactly" />
        <div className="row end">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={action.busy}>
            Create
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function ClientAppDetailPage({ id }: { id: string }) {
  const app = useLoad(() => api<ClientApp>(`/admin/client-apps/${id}`), [id]);
  const action = useAction();
  const [name, setName] = useState('');
  const [uris, setUris] = useState('');
  useEffect(() => {
    if (!app.data) return;
    setName(app.data.name);
    setUris(app.data.redirect_uris.join('\n'));
  }, [app.data]);
  const patch = (body: object, message: string) => action.run(() => api(`/admin/client-apps/${id}`, { method: 'PATCH', body }), message).then((ok) => ok && app.reload());
  if (app.error) return <ErrorNotice error={app.error} />;
  if (!app.data) return <Loading />;
  const a = app.data;
  return (
    <>
      <PageHeader
        title={a.name}
        subtitle="Client app"
        actions={
          <>
            {a.is_active ? (
              <>
                <ConfirmButton label="Disable" question={`Disable ${a.name}? New logins through it are refused; existing sessions continue.`} onConfirm={() => patch({ is_active: false }, 'Disabled.')} />
                <ConfirmButton
                  label="Disable and revoke sessions"
                  question={`Disable ${a.name} and end every session that signed in through it?`}
                  onConfirm={() => patch({ is_active: false, revoke_sessions: true }, 'Disabled; its sessions are revoked.')}
                />
              </>
            ) : (
              <Button variant="primary" onClick={() => void patch({ is_active: true }, 'Enabled.')}>
                Enable
              </Button>
            )}
            <ConfirmButton
              label="Delete"
              question={`Delete ${a.name}? Logins with its redirect URIs are refused from now on.`}
              onConfirm={() => action.run(() => api(`/admin/client-apps/${id}`, { method: 'DELETE' })).then((ok) => ok && navigate('/client-apps'))}
            />
          </>
        }
      />
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <Card>
        <DefinitionList items={[['Status', <ActiveBadge key="s" active={a.is_active} />], ['Created', formatDate(a.created_at)], ['Client app id', <code key="id">{a.id}</code>]]} />
      </Card>
      <Card title="Name and redirect URIs">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void patch({ name, redirect_uris: uriList(uris) }, 'Saved.');
          }}
        >
          <TextField label="Name" value={name} onChange={setName} required />
          <TextArea label="Redirect URIs" value={uris} onChange={setUris} hint="One per line; http(s), matched exactly" />
          <Button type="submit" variant="primary" disabled={action.busy}>
            Save
          </Button>
        </form>
      </Card>
    </>
  );
}
