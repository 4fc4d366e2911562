import { useState } from 'react';
import { api, download } from '../api/client';
import type { ActivityEntry, Page } from '../api/types';
import { useAction, useLoad } from '../hooks';
import { Button, Card, Empty, ErrorNotice, Loaded, PageHeader, Pagination, Table, TextField, formatDate } from '../ui/components';

export function ActivityTable({ entries }: { entries: ActivityEntry[] }) {
  if (entries.length === 0) return <Empty>No activity.</Empty>;
  return (
    <Table
      caption="Activity"
      rows={entries}
      rowKey={(e) => e.id}
      columns={[
        { header: 'Time', cell: (e) => formatDate(e.created_at) },
        { header: 'Action', cell: (e) => <code>{e.action}</code> },
        { header: 'Actor', cell: (e) => e.actor_email ?? e.actor_name ?? (e.actor_id ? <code>{e.actor_id}</code> : 'system') },
        { header: 'Target', cell: (e) => (e.target_type ? `${e.target_type} ${e.target_id ?? ''}` : '—') },
        { header: 'Detail', cell: (e) => (e.detail ? <pre className="detail">{JSON.stringify(e.detail)}</pre> : '—') },
      ]}
    />
  );
}

const EMPTY = { action: '', target_type: '', workspace_id: '', actor_id: '', from_date: '', to_date: '' };
type Filters = typeof EMPTY;

/** Dates from the inputs (local days) as ISO instants; the end date includes its whole day. */
function toQuery(f: Filters) {
  return {
    ...f,
    from_date: f.from_date ? new Date(`${f.from_date}T00:00:00`).toISOString() : '',
    to_date: f.to_date ? new Date(`${f.to_date}T23:59:59.999`).toISOString() : '',
  };
}

export function ActivityPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const pageSize = 25;
  const list = useLoad(() => api<Page<ActivityEntry>>('/admin/activity', { query: { ...toQuery(filters), page, page_size: pageSize } }), [filters, page]);
  const exporting = useAction();
  const set = (key: keyof Filters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const exportAs = (format: 'csv' | 'json') =>
    exporting.run(() => download('/admin/activity/export', { ...toQuery(filters), format }, `activity.${format}`));
  return (
    <>
      <PageHeader
        title="Activity log"
        subtitle="Every change, login and administrative read, append-only"
        actions={
          <>
            <Button onClick={() => void exportAs('csv')} disabled={exporting.busy}>
              Export CSV
            </Button>
            <Button onClick={() => void exportAs('json')} disabled={exporting.busy}>
              Export JSON
            </Button>
          </>
        }
      />
      <ErrorNotice error={exporting.error} />
      <Card title="Filters">
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setPage(1);
            setFilters(draft);
          }}
        >
          <TextField label="Action" value={draft.action} onChange={set('action')} placeholder="e.g. user_login" />
          <TextField label="Target type" value={draft.target_type} onChange={set('target_type')} placeholder="e.g. user" />
          <TextField label="Workspace id" value={draft.workspace_id} onChange={set('workspace_id')} />
          <TextField label="Actor id" value={draft.actor_id} onChange={set('actor_id')} />
          <TextField label="From" type="date" value={draft.from_date} onChange={set('from_date')} />
          <TextField label="To" type="date" value={draft.to_date} onChange={set('to_date')} />
          <Button type="submit" variant="primary">
            Apply filters
          </Button>
          <Button
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setPage(1);
            }}
          >
            Clear
          </Button>
        </form>
      </Card>
      <Card>
        <Loaded state={list}>
          {(result) => (
            <>
              <ActivityTable entries={result.items} />
              <Pagination page={page} pageSize={pageSize} total={result.total} onPage={setPage} />
            </>
          )}
        </Loaded>
      </Card>
    </>
  );
}
