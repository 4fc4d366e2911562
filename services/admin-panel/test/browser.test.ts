/**
 * The admin panel in a real browser: playwright-core drives Debian's Chromium against the whole
 * system as `pnpm start` runs it (the launcher also builds and serves the panel on ADMIN_URL),
 * with the dev form as the identity provider. One system, one browser, seeded through the API.
 * Screenshots of every page land in test-artifacts/admin-panel/ (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { freePort, pkcePair, PROJECT_ROOT, startSystem, waitForHttp, type RunningSystem } from '@sentinel/testing';
import { ADMIN_EMAIL, adminApi, REDIRECT_URI, seed, type Seeded } from './seed';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'admin-panel');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Tests run in order and share one signed-in browser; each waits at most 20 s for the page.
jest.setTimeout(60_000);

describe('the admin panel in a browser', () => {
  let system: RunningSystem;
  let data: Seeded;
  let panelUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const unmarked: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const see = (text: string | RegExp) => page.getByText(text).first().waitFor();
  /** A form control's value once it is `expected` (edit forms fill in after their data loads), else its last value. */
  const valueOf = async (control: Locator, expected: string) => {
    for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      if ((await control.inputValue()) === expected) break;
    }
    return control.inputValue();
  };
  const open = async (path: string) => {
    await page.goto(`${panelUrl}${path}`);
    await page.getByText('Signed in as').waitFor();
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    panelUrl = `http://127.0.0.1:${await freePort()}`;
    system = await startSystem({
      ADMIN_EMAILS: ADMIN_EMAIL,
      ADMIN_URL: panelUrl,
      // The panel and the seeding make many requests in a few seconds: no rate limit in this test.
      RATE_LIMIT_RPM: '0',
      RATE_LIMIT_AUTH_RPM: '0',
      RATE_LIMIT_ADMIN_LOGIN_RPM: '0',
      RATE_LIMIT_ADMIN_BULK_RPM: '0',
      // Generous bounds for a busy machine (2 cores shared with other test runs).
      UPSTREAM_CONNECT_TIMEOUT_MS: '15000',
    });
    // A first start builds the panel (vite) before serving it.
    await waitForHttp(`${panelUrl}/health`, { timeoutMs: 90_000 });
    try {
      data = await seed(system);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- system output ---\n${system.output()}`);
    }
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    // Every API call the app makes (not the login navigations) must carry X-Requested-With.
    page.on('request', (req) => {
      if (req.url().startsWith(system.gatewayUrl) && req.resourceType() !== 'document' && !req.headers()['x-requested-with']) {
        unmarked.push(`${req.method()} ${req.url()}`);
      }
    });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  }, 30_000);

  it('when an admin signs in through the dev form, then the dashboard shows the seeded counts', async () => {
    await page.goto(panelUrl);
    await page.waitForURL(`${panelUrl}/login`);
    const signIn = page.getByRole('link', { name: 'Sign in with Development sign-in' });
    await signIn.waitFor();
    await shot('01-sign-in');
    await signIn.click();
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Name').fill('Admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${panelUrl}/`);
    await see(`Signed in as ${ADMIN_EMAIL}`);
    const stats = page.locator('.stat');
    await stats.first().waitFor();
    const [users] = await system.sql<{ n: string }>('SELECT count(*)::text AS n FROM users');
    expect(await stats.filter({ hasText: /^\d+Users$/ }).textContent()).toBe(`${users!.n}Users`);
    await page.getByRole('region', { name: 'Top workspaces' }).getByText('Acme Corp').waitFor();
    await page.getByRole('region', { name: 'Recent users' }).getByText('carol@example.com').waitFor();
    await page.getByRole('region', { name: 'Recent activity' }).getByText('admin_login').first().waitFor();
    await shot('02-dashboard');
  });

  it('when every page is opened, then each shows the seeded data', async () => {
    await open('/users');
    for (const who of ['ada', 'bob', 'carol']) await see(`${who}@example.com`);
    await shot('03-users');

    await open(`/users/${data.users.ada}`);
    await page.getByRole('region', { name: 'Linked accounts' }).getByText('dev', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Memberships' }).getByText('Acme Corp').waitFor();
    await shot('04-user-detail');

    await open('/workspaces');
    await see('Acme Corp');
    await shot('05-workspaces');

    await open(`/workspaces/${data.workspaceId}`);
    await page.getByRole('combobox', { name: 'Role of bob@example.com' }).waitFor();
    expect(await valueOf(page.getByRole('combobox', { name: 'Role of bob@example.com' }), 'editor')).toBe('editor');
    await shot('06-workspace-members');
    await page.getByRole('tab', { name: 'Groups' }).click();
    await see('Engineering');
    await page.getByRole('button', { name: 'Members', exact: true }).click();
    await page.getByRole('region', { name: 'Members of Engineering' }).getByRole('cell', { name: 'bob@example.com' }).waitFor();
    await shot('07-workspace-groups');
    await page.getByRole('tab', { name: 'Roles' }).click();
    await see('Auditor');
    await page.getByRole('button', { name: 'Manage' }).click();
    await page.getByRole('region', { name: 'Actions of Auditor' }).getByText('docs:export', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Members of Auditor' }).getByRole('cell', { name: 'ada@example.com' }).waitFor();
    await shot('08-workspace-roles');

    await open('/permissions');
    await see(data.resourceId);
    await see('ada@example.com');
    await page.getByRole('button', { name: 'Details' }).click();
    await page.getByRole('region', { name: 'Resource detail' }).getByText('user bob@example.com').waitFor();
    await shot('09-permissions');

    await open('/service-actions');
    await see('docs:export');
    await see('Export documents');
    await shot('10-service-actions');

    await open('/client-apps');
    await see('Docs frontend');
    await see(REDIRECT_URI);
    await shot('11-client-apps');
    await page.getByRole('link', { name: 'Docs frontend' }).click();
    expect(await valueOf(page.getByRole('textbox', { name: 'Redirect URIs' }), REDIRECT_URI)).toBe(REDIRECT_URI);
    await shot('12-client-app-detail');

    await open('/service-apps');
    await see('Docs API');
    await shot('13-service-apps');
    await page.getByRole('link', { name: 'Docs API' }).click();
    await page.getByRole('button', { name: 'Rotate key' }).waitFor();
    await shot('13-service-app-detail');

    await open('/activity');
    await see('admin_login');
    await see('workspace_created');
    await shot('14-activity');

    await open('/system');
    await see('healthy');
    await see('database');
    await see('redis');
    await shot('15-system');

    await open('/settings');
    await page.getByRole('region', { name: 'Security' }).getByText(ADMIN_EMAIL).waitFor();
    await see('RS256');
    await shot('16-settings');
  });

  it('when a resource is shared, unshared and made visible in the browser, then its ACL changes', async () => {
    await open('/permissions');
    await page.getByRole('button', { name: 'Details' }).click();
    const detail = page.getByRole('region', { name: 'Resource detail' });
    await detail.getByLabel('Grantee type').selectOption('group');
    await detail.getByLabel('Group', { exact: true }).selectOption({ label: 'Engineering' });
    await detail.getByLabel('Permission').selectOption('view');
    await detail.getByRole('button', { name: 'Share', exact: true }).click();
    await detail.getByText('group Engineering').waitFor();
    await detail.getByRole('row', { name: /user bob@example\.com/ }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await detail.getByText('Share revoked.').waitFor();
    await detail.getByRole('button', { name: 'Make workspace-visible' }).click();
    await detail.getByText('Visibility is now workspace.').waitFor();
    await shot('09b-permission-shared');
    const shares = await system.sql('SELECT grantee_type, grantee_id, permission FROM resource_shares WHERE resource_permission_id = $1', [data.permissionId]);
    expect(shares).toEqual([{ grantee_type: 'group', grantee_id: data.groupId, permission: 'view' }]);
    const [resource] = await system.sql('SELECT visibility FROM resource_permissions WHERE id = $1', [data.permissionId]);
    expect(resource).toEqual({ visibility: 'workspace' });
  });

  it('when a service app is created, then its key is shown once, works, and is never answered again', async () => {
    await open('/service-apps');
    const later: Array<Promise<string>> = [];
    await page.getByRole('button', { name: 'New service app' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Billing');
    await page.getByLabel('Service name').fill('billing');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await see('Copy this key now. It will not be shown again.');
    const key = (await page.getByTestId('api-key').textContent()) ?? '';
    expect(key).toMatch(/^sk_/);
    await page.getByRole('button', { name: 'Copy key' }).waitFor();
    await shot('17-service-app-key-once');

    // From here on, no answer from the gateway may carry the key.
    page.on('response', (res) => {
      if (res.url().startsWith(system.gatewayUrl)) later.push(res.text().catch(() => ''));
    });
    const works = await fetch(`${system.gatewayUrl}/roles/actions/register`, {
      method: 'POST',
      headers: { 'x-service-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ service_name: 'billing', actions: [{ action: 'invoices:read' }] }),
    });
    expect(works.status).toBe(201);

    await page.getByRole('button', { name: 'I have stored the key' }).click();
    expect(await page.content()).not.toContain(key);
    await page.reload();
    await see('Billing');
    await page.getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'Rotate key' }).waitFor();
    expect(await page.content()).not.toContain(key);
    const admin = adminApi(system.gatewayUrl, data.adminCookie);
    const apps = await admin<Array<{ id: string; name: string }>>('GET', '/admin/service-apps');
    const billing = apps.find((a) => a.name === 'Billing')!;
    expect(JSON.stringify(apps)).not.toContain(key);
    expect(JSON.stringify(await admin('GET', `/admin/service-apps/${billing.id}`))).not.toContain(key);
    for (const body of await Promise.all(later)) expect(body).not.toContain(key);
    expect(later.length).toBeGreaterThan(0);
  });

  it('when an admin deactivates a user, then that user is refused at login', async () => {
    await open('/users');
    await page.getByLabel('Search users').fill('carol');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'carol@example.com' }).click();
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await see('Deactivate carol@example.com?');
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    const outcome = page.getByRole('status').or(page.getByRole('alert')).first();
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('User deactivated.');
    await page.getByRole('region', { name: 'Profile' }).getByText('Inactive').waitFor();
    await shot('18-user-deactivated');

    const login = await context.newPage();
    const { challenge } = pkcePair();
    const query = new URLSearchParams({ redirect_uri: REDIRECT_URI, code_challenge: challenge, code_challenge_method: 'S256' });
    await login.goto(`${system.gatewayUrl}/auth/login/dev?${query.toString()}`);
    await login.getByLabel('Email').fill('carol@example.com');
    await login.getByLabel('Name').fill('Carol Danvers');
    const [refused] = await Promise.all([login.waitForResponse((r) => r.url().includes('/auth/callback/dev')), login.getByRole('button', { name: 'Sign in' }).click()]);
    expect(refused.status()).toBe(403);
    await login.getByText('This account is disabled').waitFor();
    await login.screenshot({ path: join(ARTIFACTS, '19-deactivated-user-refused.png') });
    await login.close();
  });

  it('when a CSV is imported, then the preview shows the rows and writes nothing until the import', async () => {
    await open('/users');
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog');
    const file = (body: string) => ({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,name,workspace_slug,role\n${body}`) });

    await dialog.getByLabel('CSV file').setInputFiles(file('dave@example.com,Dave Import,acme,boss\n'));
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('Nothing is imported while any row has an error').waitFor();
    expect(await dialog.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);

    await dialog.getByLabel('CSV file').setInputFiles(file('dave@example.com,Dave Import,acme,viewer\nerin@example.com,Erin Import,acme,editor\n'));
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByRole('table', { name: 'Import preview' }).getByText('erin@example.com').waitFor();
    await shot('20-csv-preview');
    expect(await system.sql("SELECT id FROM users WHERE email IN ('dave@example.com', 'erin@example.com')")).toEqual([]);

    await dialog.getByRole('button', { name: 'Import 2 row(s)' }).click();
    await dialog.getByText('Imported: 2 user(s) created, 2 membership(s) added.').waitFor();
    const imported = await system.sql<{ email: string; role: string }>(
      "SELECT u.email, m.role FROM workspace_memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.email IN ('dave@example.com', 'erin@example.com') ORDER BY u.email",
      [data.workspaceId],
    );
    expect(imported).toEqual([
      { email: 'dave@example.com', role: 'viewer' },
      { email: 'erin@example.com', role: 'editor' },
    ]);
    await dialog.getByRole('button', { name: 'Close' }).click();

    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await exported.path(), 'utf8');
    expect(exported.suggestedFilename()).toBe('users.csv');
    expect(csv.split(/\r?\n/)[0]).toBe('id,email,name,is_active,is_admin,created_at,workspace_count');
    expect(csv).toContain('erin@example.com');
  });

  it('when the activity log is filtered, then only matching entries are listed', async () => {
    await open('/activity');
    await page.getByLabel('Action', { exact: true }).fill('user_updated');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const [expected] = await system.sql<{ n: string }>("SELECT count(*)::text AS n FROM activity_logs WHERE action = 'user_updated'");
    await see(`Page 1 of 1 · ${expected!.n} total`);
    const actions = await page.getByRole('table', { name: 'Activity' }).locator('tbody tr td:nth-child(2)').allTextContents();
    expect(actions.length).toBe(Number(expected!.n));
    expect(new Set(actions)).toEqual(new Set(['user_updated']));
    await shot('21-activity-filtered');

    await page.getByRole('button', { name: 'Clear' }).click();
    const [all] = await system.sql<{ n: string }>('SELECT count(*)::text AS n FROM activity_logs');
    expect(Number(all!.n)).toBeGreaterThan(25); // more than one page of 25
    await page.getByRole('button', { name: 'Next' }).click();
    await see(/^Page 2 of \d+ · \d+ total$/);

    await page.getByLabel('Action', { exact: true }).fill('no_such_action');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await see('No activity.');
  });

  it('when the API refuses an action, then its reason is shown in words', async () => {
    await open('/workspaces');
    await page.getByRole('button', { name: 'New workspace' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Acme again');
    await dialog.getByLabel('Slug').fill('acme');
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    const direct = await fetch(`${system.gatewayUrl}/admin/workspaces`, {
      method: 'POST',
      headers: { cookie: data.adminCookie, 'x-requested-with': 'test', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme again', slug: 'acme' }),
    });
    expect(direct.status).toBe(409);
    expect(await alert.textContent()).toBe(((await direct.json()) as { detail: string }).detail);
    await shot('22-api-error');
  });

  it('when the app called the API, then every call carried X-Requested-With', () => {
    expect(unmarked).toEqual([]);
  });

  it('when only the keyboard is used, then the navigation and dialogs work', async () => {
    await open('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Users');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${panelUrl}/users`);
    await page.getByRole('button', { name: 'Import CSV' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });

  it('when the session is gone, then the panel goes back to sign-in', async () => {
    await context.clearCookies();
    await page.goto(`${panelUrl}/users`);
    await page.waitForURL(`${panelUrl}/login`);
    await page.getByRole('link', { name: 'Sign in with Development sign-in' }).waitFor();
  });
});
