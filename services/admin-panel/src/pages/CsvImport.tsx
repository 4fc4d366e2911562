import { useId, useState } from 'react';
import { api } from '../api/client';
import type { CsvPreview, CsvResult } from '../api/types';
import { useAction } from '../hooks';
import { Badge, Button, Dialog, ErrorNotice, SuccessNotice, Table } from '../ui/components';

/** CSV import in two steps: preview (nothing written), then import exactly the previewed file. */
export function CsvImport({ open, onClose, onImported }: { open: boolean; onClose: () => void; onImported: () => void }) {
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [result, setResult] = useState<CsvResult | null>(null);
  const action = useAction();
  const form = () => {
    const data = new FormData();
    if (file) data.set('file', file);
    return data;
  };
  const close = () => {
    setFile(null);
    setPreview(null);
    setResult(null);
    onClose();
  };
  return (
    <Dialog title="Import users from CSV" open={open} onClose={close}>
      <p className="muted">
        Columns: <code>email,name,workspace_slug,role</code>. Rows whose workspace is unknown or whose membership exists are skipped.
      </p>
      <div className="field">
        <label htmlFor={inputId}>CSV file</label>
        <input
          id={inputId}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setPreview(null);
            setResult(null);
          }}
        />
      </div>
      <ErrorNotice error={action.error} />
      {result && (
        <SuccessNotice
          message={`Imported: ${result.users_created} user(s) created, ${result.memberships_added} membership(s) added${result.errors.length ? `, ${result.errors.length} error(s)` : ''}.`}
        />
      )}
      {preview && !result && (
        <>
          <p>
            Preview: <strong>{preview.valid_count}</strong> valid row(s), <strong>{preview.error_count}</strong> with errors.
          </p>
          {preview.error_count > 0 && (
            <div className="notice notice-warning" role="status">
              Nothing is imported while any row has an error: fix the file and preview it again.
            </div>
          )}
          <Table
            caption="Import preview"
            rows={preview.rows.map((r, i) => ({ ...r, key: String(i) }))}
            rowKey={(r) => r.key}
            columns={[
              { header: 'Email', cell: (r) => r.email },
              { header: 'Name', cell: (r) => r.name },
              { header: 'Workspace', cell: (r) => r.workspace_slug },
              { header: 'Role', cell: (r) => r.role },
              { header: 'Check', cell: (r) => (r.error ? <Badge tone="bad">{r.error}</Badge> : <Badge tone="good">OK</Badge>) },
            ]}
          />
        </>
      )}
      <div className="row end">
        <Button onClick={close}>{result ? 'Close' : 'Cancel'}</Button>
        {!result && (
          <Button
            disabled={!file || action.busy}
            onClick={() => void action.run(async () => setPreview(await api<CsvPreview>('/admin/import/csv/preview', { method: 'POST', form: form() })))}
          >
            Preview
          </Button>
        )}
        {preview && !result && (
          <Button
            variant="primary"
            disabled={action.busy || preview.valid_count === 0 || preview.error_count > 0}
            onClick={() =>
              void action.run(async () => {
                setResult(await api<CsvResult>('/admin/import/csv/execute', { method: 'POST', form: form() }));
                onImported();
              })
            }
          >
            Import {preview.valid_count} row(s)
          </Button>
        )}
      </div>
    </Dialog>
  );
}
