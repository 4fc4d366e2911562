import { useState } from 'react';
import { api, download } from '../api/client';
import type { Page, UserSummary } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Link } from '../router';
import { ActiveBadge, Badge, Button, Card, ErrorNotice, Loaded, PageHeader, Pagination, SearchForm, SuccessNotice, Table, formatDate } from '../ui/components';
import { CsvImport } from './CsvImport';

export function UsersPage() {
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [importing, setImporting] = useState(false);
  const pageSize = 20;
  const list = useLoad(() => api<Page<UserSummary>>('/admin/users', { query: { search: query, page, page_size: pageSize } }), [query, page]);
  const action = useAction();

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const bulk = async (isActive: boolean) => {
    const ok = await action.run(
      () => api('/admin/users/bulk-status', { method: 'POST', body: { user_ids: [...selected], is_active: isActive } }),
      `${selected.size} user(s) ${isActive ? 'activated' : 'deactivated'}.`,
    );
    if (ok) {
      setSelected(new Set());
      list.reload();
    }
  };

  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Everyone who has signed in or was imported"
        actions={
          <>
            <Button onClick={() => setImporting(true)}>Import CSV</Button>
            <Button onClick={() => void action.run(() => download('/admin/export/users', {}, 'users.csv'))}>Export CSV</Button>
          </>
        }
      />
      <ErrorNotice error={action.error} />
      <SuccessNotice message={action.message} />
      <SearchForm
        label="Search users"
        placeholder="Email or name"
        onSearch={(text) => {
          setPage(1);
          setQuery(text);
        }}
      >
        <span className="muted">{selected.size} selected</span>
        <Button onClick={() => void bulk(true)} disabled={selected.size === 0 || action.busy}>
          Activate selected
        </Button>
        <Button variant="danger" onClick={() => void bulk(false)} disabled={selected.size === 0 || action.busy}>
          Deactivate selected
        </Button>
      </SearchForm>
      <Card>
        <Loaded state={list} empty="No user matches.">
          {(result) => (
            <>
              <Table
                caption="Users"
                rows={result.items}
                rowKey={(u) => u.id}
                columns={[
                  {
                    header: <span className="sr-only">Select</span>,
                    cell: (u) => <input type="checkbox" aria-label={`Select ${u.email}`} checked={selected.has(u.id)} onChange={() => toggle(u.id)} />,
                  },
                  { header: 'Email', cell: (u) => <Link href={`/users/${u.id}`}>{u.email}</Link> },
                  { header: 'Name', cell: (u) => u.name },
                  { header: 'Status', cell: (u) => <ActiveBadge active={u.is_active} /> },
                  { header: 'Admin', cell: (u) => (u.is_admin ? <Badge tone="info">Admin</Badge> : '—') },
                  { header: 'Workspaces', cell: (u) => u.workspace_count ?? '—' },
                  { header: 'Created', cell: (u) => formatDate(u.created_at) },
                ]}
              />
              <Pagination page={page} pageSize={pageSize} total={result.total} onPage={setPage} />
            </>
          )}
        </Loaded>
      </Card>
      <CsvImport
        open={importing}
        onClose={() => setImporting(false)}
        onImported={() => list.reload()}
      />
    </>
  );
}
