import type { ReactNode } from 'react';
import { api } from '../api/client';
import { useLoad } from '../hooks';
import { Card, ErrorNotice, Loading, PageHeader } from '../ui/components';

const label = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Any settings value, read-only: objects as nested lists, arrays joined. */
function Value({ value }: { value: Json }): ReactNode {
  if (value === null) return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.length ? <code>{value.join(', ')}</code> : <span className="muted">none</span>;
    return value.map((v, i) => (
      <div key={i} className="card">
        <Value value={v} />
      </div>
    ));
  }
  if (typeof value === 'object') {
    return (
      <dl className="dl">
        {Object.entries(value).map(([k, v]) => (
          <div key={k}>
            <dt>{label(k)}</dt>
            <dd>
              <Value value={v} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <code>{String(value)}</code>;
}

export function SettingsPage() {
  const settings = useLoad(() => api<Record<string, Json>>('/admin/system/settings'), []);
  return (
    <>
      <PageHeader title="Settings" subtitle="The running configuration, read only (secrets are never shown)" />
      <ErrorNotice error={settings.error} />
      {!settings.data && settings.loading && <Loading />}
      {settings.data &&
        Object.entries(settings.data).map(([section, value]) => (
          <Card key={section} title={label(section)}>
            <Value value={value} />
          </Card>
        ))}
    </>
  );
}
