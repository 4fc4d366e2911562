/** The panel's small design system: every page is built from these, styled by styles.css. */
import { useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

export function Button({ variant = 'secondary', className = '', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button type="button" className={`btn btn-${variant} ${className}`} {...rest} />;
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
      </div>
      {actions && <div className="row">{actions}</div>}
    </header>
  );
}

export function Card({ title, actions, children }: { title?: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      {(title || actions) && (
        <div className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="row">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function ActiveBadge({ active }: { active: boolean }) {
  return <Badge tone={active ? 'good' : 'bad'}>{active ? 'Active' : 'Inactive'}</Badge>;
}

/** An API error in words, announced to screen readers. */
export function ErrorNotice({ error }: { error?: Error | undefined }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      {error.message}
    </div>
  );
}

export function SuccessNotice({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <div className="notice notice-success" role="status">
      {message}
    </div>
  );
}

export function Loading() {
  return <p className="muted" role="status">Loading…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** True for an empty list: an empty array, or a page (`{ items, total, … }`) with no items. */
function isEmptyList(data: unknown) {
  const list = data && typeof data === 'object' && 'items' in data ? data.items : data;
  return Array.isArray(list) && list.length === 0;
}

/**
 * What `useLoad` has so far: its error, a loading line while there is no data yet, then `empty` when the data is an
 * empty list or page (if `empty` is given), else `children(data)`.
 */
export function Loaded<T>({ state, empty, children }: { state: { data?: T; error?: Error; loading: boolean }; empty?: ReactNode; children: (data: T) => ReactNode }) {
  const { data, error, loading } = state;
  let content: ReactNode = null;
  if (data) content = empty !== undefined && isEmptyList(data) ? <Empty>{empty}</Empty> : children(data);
  return (
    <>
      <ErrorNotice error={error} />
      {loading && !data && <Loading />}
      {content}
    </>
  );
}

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  placeholder?: string;
  required?: boolean;
  hint?: string;
}

export function TextField({ label, value, onChange, type = 'text', placeholder, required, hint }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} placeholder={placeholder} required={required} onChange={(e) => onChange(e.target.value)} />
      {hint && <small className="muted">{hint}</small>}
    </div>
  );
}

export function TextArea({ label, value, onChange, hint }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} value={value} rows={4} onChange={(e) => onChange(e.target.value)} />
      {hint && <small className="muted">{hint}</small>}
    </div>
  );
}

/** A search box in its own card; `onSearch` gets the text when the form is submitted. `children` follow the button. */
export function SearchForm({ label, placeholder, onSearch, children }: { label: string; placeholder?: string; onSearch: (text: string) => void; children?: ReactNode }) {
  const [text, setText] = useState('');
  return (
    <Card>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          onSearch(text);
        }}
      >
        <TextField label={label} value={text} onChange={setText} placeholder={placeholder} />
        <Button type="submit" variant="primary">
          Search
        </Button>
        {children}
      </form>
    </Card>
  );
}

export function SelectField({ label, value, onChange, options }: Omit<FieldProps, 'type'> & { options: Array<[string, string]> }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
}

export function Table<T>({ rows, columns, rowKey, caption }: { rows: T[]; columns: Column<T>[]; rowKey: (row: T) => string; caption: string }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c, i) => (
                <td key={i}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pagination({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pagination" aria-label="Pagination">
      <Button onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </Button>
      <span>
        Page {page} of {pages} · {total} total
      </span>
      <Button onClick={() => onPage(page + 1)} disabled={page >= pages}>
        Next
      </Button>
    </nav>
  );
}

/** A modal on the native <dialog>: focus moves in, Escape closes, the page behind is inert. */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="dialog">
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** A destructive button that asks first. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, disabled }: { label: string; question: ReactNode; confirmLabel?: string; onConfirm: () => void | Promise<unknown>; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)} disabled={disabled}>
        {label}
      </Button>
      <Dialog title="Please confirm" open={open} onClose={() => setOpen(false)}>
        <p>{question}</p>
        <div className="row end">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            variant="danger"
            onClick={() => {
              setOpen(false);
              void onConfirm();
            }}
          >
            {confirmLabel ?? label}
          </Button>
        </div>
      </Dialog>
    </>
  );
}

export function Tabs<K extends string>({ tabs, active, onChange }: { tabs: Array<[K, string]>; active: K; onChange: (key: K) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map(([key, label]) => (
        <button key={key} type="button" role="tab" aria-selected={key === active} className={key === active ? 'tab active' : 'tab'} onClick={() => onChange(key)}>
          {label}
        </button>
      ))}
    </div>
  );
}

export function DefinitionList({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="dl">
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
