/**
 * End to end: the whole system (as `pnpm start` runs it) plus notes-service started with the
 * root `pnpm example` command, two people in one workspace, a note shared with a group, and the
 * group removal that takes the access away on the next request.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createClientApp,
  createServiceApp,
  devLogin,
  freePort,
  PROJECT_ROOT,
  startSystem,
  waitForHttp,
  type RunningSystem,
} from '@sentinel/testing';

const REDIRECT_URI = 'http://127.0.0.1:1/notes-callback';

/** The node arguments of a root `pnpm <script>` (so the test runs exactly what the README says). */
function rootScript(name: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = (scripts[name] ?? '').split(' ');
  expect(command).toBe('node');
  return args;
}

/** notes-service as `pnpm example` starts it. */
async function startNotesService(env: Record<string, string>): Promise<{ url: string; process: ChildProcess; output: () => string }> {
  const args = rootScript('example');
  const port = await freePort();
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health`, { timeoutMs: 60_000 });
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return { url, process: child, output: () => output };
}

describe('notes-service end to end', () => {
  let system: RunningSystem;
  let notes: Awaited<ReturnType<typeof startNotesService>>;

  beforeAll(async () => {
    system = await startSystem({ RATE_LIMIT_RPM: '0', RATE_LIMIT_AUTH_RPM: '0' });
    await createClientApp(system, REDIRECT_URI);
    const serviceKey = await createServiceApp(system, 'notes', 'Notes example');
    notes = await startNotesService({ SENTINEL_URL: system.gatewayUrl, SERVICE_KEY: serviceKey });
  }, 180_000);
  afterAll(async () => {
    if (notes && notes.process.exitCode === null) {
      notes.process.kill('SIGTERM');
      await once(notes.process, 'exit');
    }
    await system?.stop();
  }, 30_000);

  /** A JSON call with a bearer token, to the gateway or to notes-service. */
  const call = async (url: string, token: string, method = 'GET', body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown> & Array<Record<string, unknown>>) : undefined };
  };
  const gateway = (path: string, token: string, method?: string, body?: unknown) => call(`${system.gatewayUrl}${path}`, token, method, body);
  const notesApi = (path: string, token: string, method?: string, body?: unknown) => call(`${notes.url}${path}`, token, method, body);

  it('when a note shared with a group loses a member, then that member loses access on their next request', async () => {
    // Alice owns a workspace; she invites Bob, who signs in to it.
    const alice = await devLogin(system.gatewayUrl, { email: 'alice@example.com', name: 'Alice', redirectUri: REDIRECT_URI });
    const ws = alice.workspace_id;
    const { body: workspace } = await gateway(`/workspaces/${ws}`, alice.access_token);
    expect((await gateway(`/workspaces/${ws}/members/invite`, alice.access_token, 'POST', { email: 'bob@example.com', role: 'viewer' })).status).toBe(201);
    const bobLogin = () => devLogin(system.gatewayUrl, { email: 'bob@example.com', name: 'Bob', redirectUri: REDIRECT_URI, workspaceSlug: workspace!.slug as string });
    const bob = await bobLogin();
    expect(bob.workspace_id).toBe(ws);
    const bobId = (await gateway('/auth/me', bob.access_token)).body!.user_id as string;

    // A "readers" group with Bob in it.
    const { body: group } = await gateway(`/workspaces/${ws}/groups`, alice.access_token, 'POST', { name: 'Readers' });
    expect((await gateway(`/workspaces/${ws}/groups/${group!.id as string}/members/${bobId}`, alice.access_token, 'POST')).status).toBe(201);

    // Alice's private note: invisible to Bob until she shares it with the group.
    const created = await notesApi('/notes', alice.access_token, 'POST', { title: 'Roadmap', body: 'Q1: ship the SDK' });
    expect(created.status).toBe(201);
    const noteId = created.body!.id as string;
    const team = await notesApi('/notes', alice.access_token, 'POST', { title: 'Team lunch', visibility: 'workspace' });
    expect((await notesApi(`/notes/${noteId}`, bob.access_token)).status).toBe(403);
    expect((await notesApi('/notes', bob.access_token)).body!.map((n) => n.id)).toEqual([team.body!.id]);

    const shared = await notesApi(`/notes/${noteId}/share`, alice.access_token, 'POST', { grantee_type: 'group', grantee_id: group!.id, permission: 'view' });
    expect(shared).toEqual({ status: 201, body: { status: 'ok' } });
    expect(await notesApi(`/notes/${noteId}`, bob.access_token)).toMatchObject({ status: 200, body: { title: 'Roadmap' } });
    expect(new Set((await notesApi('/notes', bob.access_token)).body!.map((n) => n.id))).toEqual(new Set([noteId, team.body!.id]));
    // A view share is not edit, and only the owner (or an admin) shares further.
    expect((await notesApi(`/notes/${noteId}`, bob.access_token, 'PATCH', { title: 'Mine now' })).status).toBe(403);
    const reshare = await notesApi(`/notes/${noteId}/share`, bob.access_token, 'POST', { grantee_type: 'user', grantee_id: bobId, permission: 'edit' });
    expect(reshare.status).toBe(403);

    // Alice takes Bob out of the group: his very next request is refused (his sessions were revoked) ...
    expect((await gateway(`/workspaces/${ws}/groups/${group!.id as string}/members/${bobId}`, alice.access_token, 'DELETE')).status).toBe(204);
    expect(await notesApi(`/notes/${noteId}`, bob.access_token)).toEqual({ status: 401, body: { detail: 'Token has been revoked' } });
    // ... and signing in again does not bring the note back: the check reads his current groups.
    const bobAgain = await bobLogin();
    expect((await notesApi(`/notes/${noteId}`, bobAgain.access_token)).status).toBe(403);
    expect((await notesApi('/notes', bobAgain.access_token)).body!.map((n) => n.id)).toEqual([team.body!.id]);

    // The owner keeps full control.
    expect(await notesApi(`/notes/${noteId}`, alice.access_token, 'PATCH', { body: 'Q1: SDK shipped' })).toMatchObject({ status: 200, body: { body: 'Q1: SDK shipped' } });
    expect((await notesApi(`/notes/${noteId}`, alice.access_token, 'DELETE')).status).toBe(204);
    expect((await notesApi(`/notes/${noteId}`, alice.access_token)).status).toBe(404);
  });

  it('when a request has no token or invalid input, then notes-service answers 401 or 422 with a detail', async () => {
    const anonymous = await fetch(`${notes.url}/notes`);
    expect([anonymous.status, await anonymous.json()]).toEqual([401, { detail: 'Missing or invalid Authorization header' }]);
    // A token from `pnpm example:login`, as the README has a new user get one.
    const { stdout } = await promisify(execFile)(process.execPath, [...rootScript('example:login'), 'carol@example.com'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, SENTINEL_URL: system.gatewayUrl, REDIRECT_URI },
      timeout: 60_000,
    });
    const carol = stdout.trim();
    expect((await notesApi('/notes', carol)).status).toBe(200);
    const invalid = await notesApi('/notes', carol, 'POST', { title: '' });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ detail: 'Invalid input' });
    expect((await notesApi('/notes/not-a-uuid', carol)).status).toBe(422);
  });
});
