/**
 * `pnpm example:login <email> [workspace-slug]`: prints an access token for trying notes-service
 * with curl. It signs in through Sentinel's development provider (`DEV_LOGIN=true pnpm start`)
 * with the SDK's browser login client, doing by itself what a browser does with the dev form.
 * Env: SENTINEL_URL (default http://localhost:9003), REDIRECT_URI (default
 * http://localhost:9100/callback; it must belong to a client app: `pnpm sentinel client-apps create`).
 */
import { LoginClient } from '@sentinel/sdk/browser';

async function main(email: string | undefined, slug: string | undefined): Promise<string> {
  if (!email) throw new Error('usage: pnpm example:login <email> [workspace-slug]');
  const baseUrl = process.env.SENTINEL_URL ?? 'http://localhost:9003';
  const client = new LoginClient({ baseUrl, redirectUri: process.env.REDIRECT_URI ?? 'http://localhost:9100/callback' });

  // The browser's part: the login URL leads to the dev form; submitting it leads back with a code.
  const started = await fetch(await client.startLogin('dev'), { redirect: 'manual' });
  const form = started.headers.get('location');
  if (started.status !== 302 || !form) throw new Error(`Sentinel refused the login (${started.status}): ${await started.text()}`);
  const callback = await fetch(new URL('/auth/callback/dev', baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: started.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '),
    },
    body: new URLSearchParams({ state: new URL(form, baseUrl).searchParams.get('state') ?? '', email, name: email.split('@')[0] ?? email }).toString(),
  });
  const back = callback.headers.get('location');
  if (callback.status !== 302 || !back) throw new Error(`The dev form was refused (${callback.status}): ${await callback.text()}`);

  const code = await client.handleCallback(back);
  const workspaces = await client.listWorkspaces(code);
  const workspace = slug ? workspaces.find((w) => w.slug === slug) : workspaces[0];
  if (!workspace) throw new Error(`${email} is not in workspace ${slug ?? ''}; theirs: ${workspaces.map((w) => w.slug).join(', ')}`);
  await client.exchange(code, workspace.id);
  const token = await client.getAccessToken();
  if (!token) throw new Error('no access token was issued');
  return token;
}

main(process.argv[2], process.argv[3]).then(
  (token) => process.stdout.write(`${token}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
