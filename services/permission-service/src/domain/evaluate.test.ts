import { randomUUID } from 'node:crypto';
import { evaluateCheck, type Caller, type ResourceFacts, type ShareFacts } from './evaluate';

describe('evaluateCheck', () => {
  const ws = randomUUID();
  const me = randomUUID();
  const group = randomUUID();
  const resource = (over: Partial<ResourceFacts> = {}): ResourceFacts => ({
    id: randomUUID(),
    workspaceId: ws,
    ownerId: randomUUID(),
    visibility: 'private',
    ...over,
  });
  const caller = (role: 'viewer' | 'editor' | 'admin' | 'owner' | null, groups: string[] = []): Caller => ({
    userId: me,
    workspaceId: ws,
    member: role === null ? null : { role, groups: new Set(groups) },
  });
  const share = (r: ResourceFacts, over: Partial<ShareFacts>): ShareFacts => ({
    resourcePermissionId: r.id,
    granteeType: 'user',
    granteeId: me,
    permission: 'view',
    ...over,
  });

  it('when the resource is unknown or in another workspace, then deny before anything else', () => {
    expect(evaluateCheck(caller('owner'), undefined, [], 'view')).toBe(false);
    expect(evaluateCheck(caller('owner'), resource({ workspaceId: randomUUID(), ownerId: me }), [], 'view')).toBe(false);
  });

  it('when the caller is no longer a member, then deny even as owner', () => {
    expect(evaluateCheck(caller(null), resource({ ownerId: me }), [], 'view')).toBe(false);
  });

  it('when the caller owns it or is admin/owner, then allow both actions', () => {
    for (const action of ['view', 'edit'] as const) {
      expect(evaluateCheck(caller('viewer'), resource({ ownerId: me }), [], action)).toBe(true);
      expect(evaluateCheck(caller('admin'), resource(), [], action)).toBe(true);
      expect(evaluateCheck(caller('owner'), resource(), [], action)).toBe(true);
    }
  });

  it('when visibility is workspace, then view for all, edit for editors', () => {
    const r = resource({ visibility: 'workspace' });
    expect(evaluateCheck(caller('viewer'), r, [], 'view')).toBe(true);
    expect(evaluateCheck(caller('viewer'), r, [], 'edit')).toBe(false);
    expect(evaluateCheck(caller('editor'), r, [], 'edit')).toBe(true);
  });

  it('when shares apply, then view with any share, edit only with an edit share; group shares need the group', () => {
    const r = resource();
    expect(evaluateCheck(caller('viewer'), r, [share(r, {})], 'view')).toBe(true);
    expect(evaluateCheck(caller('viewer'), r, [share(r, {})], 'edit')).toBe(false);
    expect(evaluateCheck(caller('viewer'), r, [share(r, { permission: 'edit' })], 'edit')).toBe(true);
    const groupShare = share(r, { granteeType: 'group', granteeId: group, permission: 'edit' });
    expect(evaluateCheck(caller('viewer', [group]), r, [groupShare], 'edit')).toBe(true);
    expect(evaluateCheck(caller('viewer'), r, [groupShare], 'edit')).toBe(false);
    // A share of another resource, or to another user, counts for nothing.
    expect(evaluateCheck(caller('viewer'), r, [share(resource(), { permission: 'edit' })], 'view')).toBe(false);
    expect(evaluateCheck(caller('viewer'), r, [share(r, { granteeId: randomUUID() })], 'view')).toBe(false);
  });
});
