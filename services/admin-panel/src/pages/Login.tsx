import { api, apiUrl } from '../api/client';
import { useLoad } from '../hooks';
import { useLocation } from '../router';
import { Card, ErrorNotice, Loading } from '../ui/components';

const LABELS: Record<string, string> = { google: 'Google', github: 'GitHub', entra_id: 'Microsoft Entra ID', dev: 'Development sign-in' };
const REASONS: Record<string, string> = {
  not_admin: 'This account is not an administrator.',
  email_not_verified: 'The identity provider did not confirm this email address.',
  account_conflict:
    'This email address belongs to an account that signs in with another provider. Sign in with that provider; if linking is allowed, this sign-in is then linked to it.',
};

export function LoginPage() {
  const { query } = useLocation();
  const providers = useLoad(() => api<{ providers: string[] }>('/auth/providers'), []);
  const error = query.get('error');
  const expired = query.get('expired');
  return (
    <div className="login">
      <Card>
        <h1>Sentinel admin</h1>
        <p className="muted">Sign in with an administrator account.</p>
        {error && (
          <div className="notice notice-error" role="alert">
            {REASONS[error] ?? 'Sign-in failed.'}
          </div>
        )}
        {expired && (
          <div className="notice notice-warning" role="status">
            Your session has ended ({expired}). Please sign in again.
          </div>
        )}
        <ErrorNotice error={providers.error} />
        {providers.loading && <Loading />}
        {providers.data?.providers.length === 0 && <p>No identity provider is configured.</p>}
        {providers.data?.providers.map((p) => (
          <a key={p} className="btn btn-primary" href={apiUrl(`/auth/admin/login/${encodeURIComponent(p)}`)}>
            Sign in with {LABELS[p] ?? p}
          </a>
        ))}
      </Card>
    </div>
  );
}
