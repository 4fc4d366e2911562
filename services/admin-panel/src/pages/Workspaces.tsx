import { useState } from 'react';
import { api, download } from '../api/client';
import type { Page, Workspace } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Link, navigate } from '../router';
import { Button, Card, Dialog, ErrorNotice, Loaded, PageHeader, Pagination, SearchForm, Table, TextArea, TextField, formatDate } from '../ui/components';

export function WorkspacesPage() {
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const pageSize = 20;
  const list = useLoad(() => api<Page<Workspace>>('/admin/workspaces', { query: { search: query, page, page_size: pageSize } }), [query, page]);
  const exporting = useAction();
  return (
    <>
      <PageHeader
        title="Workspaces"
        actions={
          <>
            <Button onClick={() => void exporting.run(() => download('/admin/export/workspaces', {}, 'workspaces.csv'))}>Export CSV</Button>
            <Button variant="primary" onClick={() => setCreating(true)}>
              New workspace
            </Button>
          </>
        }
      />
      <ErrorNotice error={exporting.error} />
      <SearchForm
        label="Search workspaces"
        placeholder="Name or slug"
        onSearch={(text) => {
          setPage(1);
          setQuery(text);
        }}
      />
      <Card>
        <Loaded state={list} empty="No workspace matches.">
          {(result) => (
            <>
              <Table
                caption="Workspaces"
                rows={result.items}
                rowKey={(w) => w.id}
                columns={[
                  { header: 'Name', cell: (w) => <Link href={`/workspaces/${w.id}`}>{w.name}</Link> },
                  { header: 'Slug', cell: (w) => <code>{w.slug}</code> },
                  { header: 'Members', cell: (w) => w.member_count ?? '—' },
                  { header: 'Groups', cell: (w) => w.group_count ?? '—' },
                  { header: 'Created', cell: (w) => formatDate(w.created_at) },
                ]}
              />
              <Pagination page={page} pageSize={pageSize} total={result.total} onPage={setPage} />
            </>
          )}
        </Loaded>
      </Card>
      <CreateWorkspace open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateWorkspace({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  return (
    <Dialog title="New workspace" open={open} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const created = await api<Workspace>('/admin/workspaces', { method: 'POST', body: { name, slug, description: description || undefined } });
            navigate(`/workspaces/${created.id}`);
          });
        }}
      >
        <ErrorNotice error={action.error} />
        <TextField label="Name" value={name} onChange={setName} required />
        <TextField label="Slug" value={slug} onChange={setSlug} required hint="Lower-case letters, digits and dashes" />
        <TextArea label="Description" value={description} onChange={setDescription} />
        <div className="row end">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={action.busy}>
            Create workspace
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
