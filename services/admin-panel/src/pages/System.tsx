import { api } from '../api/client';
import { useLoad } from '../hooks';
import { Badge, Button, Card, ErrorNotice, Loading, PageHeader, Table } from '../ui/components';

interface Check {
  status: string;
  latency_ms?: number | null;
  error?: string | null;
}
interface Health {
  status: string;
  checks: Record<string, Check>;
  uptime_seconds: number;
  version: string;
}

const uptime = (s: number) => `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
const tone = (status: string) => (['healthy', 'ok', 'up'].includes(status) ? 'good' : 'bad');

export function SystemPage() {
  const health = useLoad(() => api<Health>('/admin/system/health'), []);
  const h = health.data;
  return (
    <>
      <PageHeader title="System health" actions={<Button onClick={health.reload}>Refresh</Button>} />
      <ErrorNotice error={health.error} />
      {!h && health.loading && <Loading />}
      {h && (
        <>
          <div className="stats">
            <div className="stat">
              <div className="stat-value">
                <Badge tone={tone(h.status)}>{h.status}</Badge>
              </div>
              <div className="stat-label">Overall</div>
            </div>
            <div className="stat">
              <div className="stat-value">{uptime(h.uptime_seconds)}</div>
              <div className="stat-label">Uptime</div>
            </div>
            <div className="stat">
              <div className="stat-value">{h.version}</div>
              <div className="stat-label">Version</div>
            </div>
          </div>
          <Card title="Dependencies">
            <Table
              caption="Dependency checks"
              rows={Object.entries(h.checks)}
              rowKey={([name]) => name}
              columns={[
                { header: 'Dependency', cell: ([name]) => name },
                { header: 'Status', cell: ([, c]) => <Badge tone={tone(c.status)}>{c.status}</Badge> },
                { header: 'Latency', cell: ([, c]) => (c.latency_ms === null || c.latency_ms === undefined ? '—' : `${c.latency_ms.toFixed(1)} ms`) },
                { header: 'Error', cell: ([, c]) => c.error ?? '—' },
              ]}
            />
          </Card>
        </>
      )}
    </>
  );
}
