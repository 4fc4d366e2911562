import { useState } from 'react';
import { api } from '../api/client';
import type { ServiceAction } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Button, Card, ConfirmButton, ErrorNotice, Loaded, PageHeader, SuccessNotice, Table, TextField, formatDate } from '../ui/components';

/** Actions that backend services registered (POST /roles/actions/register), grouped by service. */
export function ServiceActionsPage() {
  const [service, setService] = useState('');
  const [filter, setFilter] = useState('');
  const list = useLoad(() => api<ServiceAction[]>('/admin/service-actions', { query: { service_name: filter } }), [filter]);
  const action = useAction();
  const byService = new Map<string, ServiceAction[]>();
  for (const a of list.data ?? []) byService.set(a.service_name, [...(byService.get(a.service_name) ?? []), a]);
  return (
    <>
      <PageHeader title="Service actions" subtitle="What custom roles can grant, as each service registered it" />
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <Card>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter(service);
          }}
        >
          <TextField label="Service name" value={service} onChange={setService} placeholder="All services" />
          <Button type="submit" variant="primary">
            Filter
          </Button>
        </form>
      </Card>
      <Loaded state={list} empty="No service has registered actions.">
        {() =>
          [...byService].map(([name, actions]) => (
            <Card key={name} title={name}>
              <Table
                caption={`Actions of ${name}`}
                rows={actions}
                rowKey={(a) => a.id}
                columns={[
                  { header: 'Action', cell: (a) => <code>{a.action}</code> },
                  { header: 'Description', cell: (a) => a.description ?? '—' },
                  { header: 'Registered', cell: (a) => formatDate(a.created_at) },
                  {
                    header: <span className="sr-only">Delete</span>,
                    cell: (a) => (
                      <ConfirmButton
                        label="Delete"
                        question={`Delete ${name}:${a.action}? Roles that grant it lose it.`}
                        onConfirm={() => action.run(() => api(`/admin/service-actions/${a.id}`, { method: 'DELETE' }), `${a.action} deleted.`).then((ok) => ok && list.reload())}
                      />
                    ),
                  },
                ]}
              />
            </Card>
          ))
        }
      </Loaded>
    </>
  );
}
