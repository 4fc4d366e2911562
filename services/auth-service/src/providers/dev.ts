import { z } from 'zod';
import { LoginError } from '../login/errors';
import type { LoginStateStore } from '../login/state';
import { callbackUrl, type LoginProvider } from './types';

/** The dev form's fields (POSTed as a form to the callback). */
export const devLoginFormSchema = z.object({
  state: z.string().min(1).max(200),
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
});

/**
 * `dev` (DEV_LOGIN=true, refused in production): a plain form that signs in whoever is named
 * there, as if a provider had verified the email. The "provider" redirect goes to the form
 * (GET on the callback); the form POSTs back to the callback with the state.
 */
export function devProvider(baseUrl: string, states: LoginStateStore): LoginProvider {
  return {
    name: 'dev',
    start(_req, res, fields) {
      const login = states.begin(res, { ...fields, provider: 'dev' });
      const form = new URL(callbackUrl(baseUrl, 'dev', fields.purpose));
      form.searchParams.set('state', login.state);
      res.redirect(302, form.href);
      return Promise.resolve();
    },
    async finish(req, res, purpose) {
      const body = devLoginFormSchema.safeParse(req.body);
      if (!body.success) {
        throw new LoginError('validation', 'Invalid Form', 'A valid email and a name are required', 'invalid_form');
      }
      const login = await states.complete(req, res, 'dev', purpose, body.data.state);
      const email = body.data.email.toLowerCase();
      return {
        login,
        profile: {
          provider: 'dev',
          providerUserId: email,
          email,
          emailVerified: true,
          name: body.data.name,
          avatarUrl: undefined,
          accessToken: undefined,
          refreshToken: undefined,
          data: {},
        },
      };
    },
  };
}
