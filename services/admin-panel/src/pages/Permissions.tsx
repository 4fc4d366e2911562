import { useState } from 'react';
import { api } from '../api/client';
import type { Page, Permission } from '../api/types';
import { useLoad } from '../hooks';
import { Badge, Button, Card, Loaded, PageHeader, Pagination, SelectField, Table, TextField, formatDate } from '../ui/components';
import { PermissionDetail } from './PermissionDetail';

const EMPTY = { workspace_id: '', service_name: '', resource_id: '', owner: '', sort_by: 'created_at', sort_order: 'desc' };
type Filters = typeof EMPTY;

export function PermissionsPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const pageSize = 20;
  const list = useLoad(() => api<Page<Permission>>('/admin/permissions', { query: { ...filters, page, page_size: pageSize } }), [filters, page]);
  const set = (key: keyof Filters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <>
      <PageHeader title="Permissions" subtitle="Registered resources, their visibility and shares" />
      <Card title="Filters">
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setPage(1);
            setFilters(draft);
          }}
        >
          <TextField label="Service" value={draft.service_name} onChange={set('service_name')} placeholder="e.g. docs" />
          <TextField label="Workspace id" value={draft.workspace_id} onChange={set('workspace_id')} />
          <TextField label="Resource id starts with" value={draft.resource_id} onChange={set('resource_id')} />
          <TextField label="Owner email contains" value={draft.owner} onChange={set('owner')} />
          <SelectField label="Sort by" value={draft.sort_by} onChange={set('sort_by')} options={[['created_at', 'Created'], ['shares', 'Shares']]} />
          <SelectField label="Order" value={draft.sort_order} onChange={set('sort_order')} options={[['desc', 'Descending'], ['asc', 'Ascending']]} />
          <Button type="submit" variant="primary">
            Apply filters
          </Button>
        </form>
      </Card>
      <Card>
        <Loaded state={list} empty="No resource matches.">
          {(result) => (
            <>
              <Table
                caption="Resources"
                rows={result.items}
                rowKey={(p) => p.id}
                columns={[
                  { header: 'Service', cell: (p) => <code>{p.service_name}</code> },
                  { header: 'Type', cell: (p) => <code>{p.resource_type}</code> },
                  { header: 'Resource', cell: (p) => <code>{p.resource_id}</code> },
                  { header: 'Owner', cell: (p) => p.owner_email ?? '—' },
                  { header: 'Visibility', cell: (p) => <Badge tone={p.visibility === 'private' ? 'neutral' : 'info'}>{p.visibility}</Badge> },
                  { header: 'Shares', cell: (p) => p.share_count ?? p.shares?.length ?? 0 },
                  { header: 'Created', cell: (p) => formatDate(p.created_at) },
                  { header: <span className="sr-only">Open</span>, cell: (p) => <Button onClick={() => setOpenId(p.id)}>Details</Button> },
                ]}
              />
              <Pagination page={page} pageSize={pageSize} total={result.total} onPage={setPage} />
            </>
          )}
        </Loaded>
      </Card>
      {openId && <PermissionDetail id={openId} onChanged={list.reload} onClose={() => setOpenId(null)} />}
    </>
  );
}
