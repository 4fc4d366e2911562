import { useState } from 'react';
import { api } from '../api/client';
import type { ServiceApp } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Link, navigate } from '../router';
import { ActiveBadge, Button, Card, ConfirmButton, DefinitionList, Dialog, ErrorNotice, Loaded, Loading, PageHeader, SuccessNotice, Table, TextField, formatDate } from '../ui/components';

/** The key of a create or rotate answer, shown this once: it lives only in this dialog's state. */
function KeyOnce({ apiKey, onClose }: { apiKey: string | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(apiKey ?? '');
    setCopied(true);
  };
  return (
    <Dialog
      title="Service API key"
      open={apiKey !== null}
      onClose={() => {
        setCopied(false);
        onClose();
      }}
    >
      <div className="notice notice-warning" role="alert">
        Copy this key now. It will not be shown again.
      </div>
      <div className="secret">
        <code data-testid="api-key">{apiKey}</code>
      </div>
      <div className="row end">
        <Button onClick={() => void copy().catch(() => setCopied(false))}>{copied ? 'Copied' : 'Copy key'}</Button>
        <Button variant="primary" onClick={onClose}>
          I have stored the key
        </Button>
      </div>
    </Dialog>
  );
}

export function ServiceAppsPage() {
  const list = useLoad(() => api<ServiceApp[]>('/admin/service-apps'), []);
  const action = useAction();
  const [name, setName] = useState('');
  const [serviceName, setServiceName] = useState('');
  const [creating, setCreating] = useState(false);
  const [apiKey, setApiKey] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Service apps"
        subtitle="Backend services that call Sentinel with X-Service-Key"
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New service app
          </Button>
        }
      />
      <Card>
        <Loaded state={list} empty="No service app yet.">
          {(apps) => (
            <Table
              caption="Service apps"
              rows={apps}
              rowKey={(a) => a.id}
              columns={[
                { header: 'Name', cell: (a) => <Link href={`/service-apps/${a.id}`}>{a.name}</Link> },
                { header: 'Service', cell: (a) => <code>{a.service_name}</code> },
                { header: 'Key', cell: (a) => <code>{a.key_prefix}…</code> },
                { header: 'Status', cell: (a) => <ActiveBadge active={a.is_active} /> },
                { header: 'Last used', cell: (a) => formatDate(a.last_used_at) },
              ]}
            />
          )}
        </Loaded>
      </Card>
      <Dialog title="New service app" open={creating} onClose={() => setCreating(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              const created = await api<ServiceApp & { api_key: string }>('/admin/service-apps', { method: 'POST', body: { name, service_name: serviceName } });
              setCreating(false);
              setName('');
              setServiceName('');
              setApiKey(created.api_key);
              list.reload();
            });
          }}
        >
          <ErrorNotice error={action.error} />
          <TextField label="Name" value={name} onChange={setName} required />
          <TextField label="Service name" value={serviceName} onChange={setServiceName} required hint="e.g. docs-api: the service_name its key may act for" />
          <div className="row end">
            <Button onClick={() => setCreating(false)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={action.busy}>
              Create
            </Button>
          </div>
        </form>
      </Dialog>
      <KeyOnce apiKey={apiKey} onClose={() => setApiKey(null)} />
    </>
  );
}

export function ServiceAppDetailPage({ id }: { id: string }) {
  const app = useLoad(() => api<ServiceApp>(`/admin/service-apps/${id}`), [id]);
  const action = useAction();
  const [apiKey, setApiKey] = useState<string | null>(null);
  const patch = (body: object, message: string) => action.run(() => api(`/admin/service-apps/${id}`, { method: 'PATCH', body }), message).then((ok) => ok && app.reload());
  if (app.error) return <ErrorNotice error={app.error} />;
  if (!app.data) return <Loading />;
  const a = app.data;
  return (
    <>
      <PageHeader
        title={a.name}
        subtitle={<code>{a.service_name}</code>}
        actions={
          <>
            <ConfirmButton
              label="Rotate key"
              question={`Rotate ${a.name}'s key? The current key stops working at once.`}
              onConfirm={() =>
                action.run(async () => {
                  setApiKey((await api<{ api_key: string }>(`/admin/service-apps/${id}/rotate-key`, { method: 'POST', body: {} })).api_key);
                  app.reload();
                }, 'Key rotated.')
              }
            />
            {a.is_active ? (
              <ConfirmButton label="Disable" question={`Disable ${a.name}? Its key is refused until it is enabled again.`} onConfirm={() => patch({ is_active: false }, 'Disabled.')} />
            ) : (
              <Button variant="primary" onClick={() => void patch({ is_active: true }, 'Enabled.')}>
                Enable
              </Button>
            )}
            <ConfirmButton
              label="Delete"
              question={`Delete ${a.name}? Its key stops working for good.`}
              onConfirm={() => action.run(() => api(`/admin/service-apps/${id}`, { method: 'DELETE' })).then((ok) => ok && navigate('/service-apps'))}
            />
          </>
        }
      />
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <Card>
        <DefinitionList
          items={[
            ['Status', <ActiveBadge key="s" active={a.is_active} />],
            ['Key', <code key="k">{a.key_prefix}…</code>],
            ['Last used', formatDate(a.last_used_at)],
            ['Created', formatDate(a.created_at)],
            ['Service app id', <code key="id">{a.id}</code>],
          ]}
        />
      </Card>
      <KeyOnce apiKey={apiKey} onClose={() => setApiKey(null)} />
    </>
  );
}
