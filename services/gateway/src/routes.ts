/**
 * The gateway's route table (docs/architecture.md, "Routes → service"): which service answers each
 * path, and the auth tier the gateway enforces before forwarding. Anything not listed is a 404.
 * Order matters: the first matching entry wins.
 */
export type Upstream = 'auth' | 'token' | 'workspace' | 'permission';
export type Tier = 'public' | 'user' | 'service' | 'dual' | 'admin';
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  methods: readonly Method[] | 'any';
  pattern: RegExp;
  upstream: Upstream;
  tier: Tier;
}

const ANY = 'any' as const;

/** `/a/:id/b` matches one segment per `:name`; a trailing `*` also matches the path's subtree. */
function route(methods: Route['methods'], path: string, upstream: Upstream, tier: Tier): Route {
  const subtree = path.endsWith('*');
  const body = (subtree ? path.slice(0, -1) : path)
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { methods, pattern: new RegExp(`^${body}${subtree ? '(?:/.*)?' : ''}$`), upstream, tier };
}

export const ROUTES: readonly Route[] = [
  // token-service
  route(['GET'], '/.well-known/jwks.json', 'token', 'public'),
  route(['GET'], '/.well-known/openid-configuration', 'token', 'public'),
  route(['POST'], '/auth/refresh', 'token', 'public'),
  route(['POST'], '/auth/revoke', 'token', 'public'),
  route(['POST'], '/auth/logout', 'token', 'user'),
  route(['GET'], '/auth/me', 'token', 'user'),
  route(['POST'], '/auth/switch-workspace', 'token', 'user'),
  route(['POST'], '/auth/introspect', 'token', 'service'),
  route(ANY, '/admin/service-apps*', 'token', 'admin'),
  route(ANY, '/admin/keys*', 'token', 'admin'),
  // auth-service: admin session routes first, then every other /auth/* (the login flow) is public
  route(['GET'], '/auth/admin/me', 'auth', 'admin'),
  route(['POST'], '/auth/admin/logout', 'auth', 'admin'),
  route(ANY, '/auth*', 'auth', 'public'),
  route(ANY, '/admin/client-apps*', 'auth', 'admin'),
  // permission-service (before /admin/workspaces*, which would otherwise take the roles routes)
  route(['POST'], '/permissions/register', 'permission', 'service'),
  route(['POST'], '/permissions/check', 'permission', 'dual'),
  route(['POST'], '/permissions/accessible', 'permission', 'dual'),
  route(['POST'], '/permissions/:id/share', 'permission', 'dual'),
  route(['DELETE'], '/permissions/:id/share', 'permission', 'service'),
  route(['PATCH'], '/permissions/:id/visibility', 'permission', 'service'),
  route(['GET', 'DELETE'], '/permissions/resource*', 'permission', 'service'),
  route(['POST'], '/roles/actions/register', 'permission', 'service'),
  route(['POST'], '/roles/check-action', 'permission', 'dual'),
  route(['GET'], '/roles/user-actions', 'permission', 'dual'),
  route(ANY, '/admin/permissions*', 'permission', 'admin'),
  route(ANY, '/admin/service-actions*', 'permission', 'admin'),
  route(ANY, '/admin/roles*', 'permission', 'admin'),
  route(ANY, '/admin/workspaces/:id/roles*', 'permission', 'admin'),
  // workspace-service
  route(ANY, '/users*', 'workspace', 'user'),
  route(ANY, '/workspaces*', 'workspace', 'user'),
  route(ANY, '/admin/users*', 'workspace', 'admin'),
  route(ANY, '/admin/workspaces*', 'workspace', 'admin'),
  route(ANY, '/admin/groups*', 'workspace', 'admin'),
  route(['GET'], '/admin/stats', 'workspace', 'admin'),
  route(ANY, '/admin/activity*', 'workspace', 'admin'),
  route(ANY, '/admin/system*', 'workspace', 'admin'),
  route(ANY, '/admin/import*', 'workspace', 'admin'),
  route(ANY, '/admin/export*', 'workspace', 'admin'),
];

export type RouteMatch = { route: Route } | { notFound: true } | { methodNotAllowed: readonly string[] };

export function matchRoute(method: string, path: string, routes: readonly Route[] = ROUTES): RouteMatch {
  const allowed: string[] = [];
  for (const r of routes) {
    if (!r.pattern.test(path)) continue;
    if (r.methods === 'any' || (r.methods as readonly string[]).includes(method)) return { route: r };
    // HEAD is answered like GET.
    if (method === 'HEAD' && r.methods.includes('GET')) return { route: r };
    allowed.push(...r.methods);
  }
  return allowed.length > 0 ? { methodNotAllowed: [...new Set(allowed)] } : { notFound: true };
}
