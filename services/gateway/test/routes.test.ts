import { matchRoute } from '../src/routes';

const cases: Array<[string, string, string, string]> = [
  ['GET', '/.well-known/jwks.json', 'token', 'public'],
  ['GET', '/.well-known/openid-configuration', 'token', 'public'],
  ['POST', '/auth/refresh', 'token', 'public'],
  ['POST', '/auth/logout', 'token', 'user'],
  ['GET', '/auth/me', 'token', 'user'],
  ['POST', '/auth/switch-workspace', 'token', 'user'],
  ['POST', '/auth/introspect', 'token', 'service'],
  ['POST', '/admin/keys/rotate', 'token', 'admin'],
  ['DELETE', '/admin/service-apps/5b0d0b0a-9a43-4d36-8c5e-1f1a1f1a1f1a', 'token', 'admin'],
  ['GET', '/auth/providers', 'auth', 'public'],
  ['GET', '/auth/login/google', 'auth', 'public'],
  ['GET', '/auth/callback/github', 'auth', 'public'],
  ['POST', '/auth/token', 'auth', 'public'],
  ['GET', '/auth/admin/me', 'auth', 'admin'],
  ['POST', '/auth/admin/logout', 'auth', 'admin'],
  ['GET', '/admin/client-apps', 'auth', 'admin'],
  ['GET', '/users/me', 'workspace', 'user'],
  ['POST', '/workspaces', 'workspace', 'user'],
  ['DELETE', '/workspaces/abc/groups/def/members/ghi', 'workspace', 'user'],
  ['GET', '/admin/workspaces/abc', 'workspace', 'admin'],
  ['GET', '/admin/workspaces/abc/roles', 'permission', 'admin'],
  ['POST', '/admin/workspaces/abc/roles/def/members', 'permission', 'admin'],
  ['GET', '/admin/stats', 'workspace', 'admin'],
  ['GET', '/admin/activity/verify', 'workspace', 'admin'],
  ['POST', '/admin/import/csv/preview', 'workspace', 'admin'],
  ['POST', '/permissions/register', 'permission', 'service'],
  ['POST', '/permissions/check', 'permission', 'dual'],
  ['POST', '/permissions/accessible', 'permission', 'dual'],
  ['POST', '/permissions/abc/share', 'permission', 'dual'],
  ['DELETE', '/permissions/abc/share', 'permission', 'service'],
  ['PATCH', '/permissions/abc/visibility', 'permission', 'service'],
  ['GET', '/permissions/resource/docs/doc/abc/enriched', 'permission', 'service'],
  ['POST', '/roles/check-action', 'permission', 'dual'],
  ['GET', '/roles/user-actions', 'permission', 'dual'],
  ['GET', '/admin/roles/abc', 'permission', 'admin'],
];

describe('the route table', () => {
  it.each(cases)('when %s %s, then it goes to %s with tier %s', (method, path, upstream, tier) => {
    const match = matchRoute(method, path);
    expect(match).toEqual({ route: expect.objectContaining({ upstream, tier }) });
  });

  it.each(['/', '/nope', '/admin', '/admin/unknown', '/authx', '/users-x', '/.well-known/other', '/permissions'])(
    'when the path %s is not in the table, then it is not found',
    (path) => {
      expect(matchRoute('GET', path)).toEqual({ notFound: true });
    },
  );

  it('when the path is known but not the method, then the allowed methods are named', () => {
    expect(matchRoute('GET', '/permissions/check')).toEqual({ methodNotAllowed: ['POST'] });
    expect(matchRoute('PUT', '/permissions/abc/share')).toEqual({ methodNotAllowed: ['POST', 'DELETE'] });
  });
});
