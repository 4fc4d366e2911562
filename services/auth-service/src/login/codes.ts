import { createHash } from 'node:crypto';
import { randomToken, safeEqual, sha256Hex } from '@sentinel/crypto';
import type { Redis } from '@sentinel/redis';
import { z } from 'zod';
import { parseStored } from './stored';

/** A one-time code lives 5 minutes. */
export const CODE_TTL_SECONDS = 300;

const grantSchema = z.object({
  user_id: z.string(),
  provider: z.string(),
  client_app_id: z.string().nullable(),
  code_challenge: z.string(),
  code_challenge_method: z.literal('S256'),
});
export type CodeGrant = z.infer<typeof grantSchema>;

/** Redis keeps only the code's hash: a dump of Redis yields no usable code. */
const keyOf = (code: string) => `ac:${sha256Hex(code)}`;


/** base64url(sha256(verifier)), without padding, compared in constant time (RFC 7636 S256). */
export function verifyPkce(verifier: string, challenge: string): boolean {
  return safeEqual(createHash('sha256').update(verifier).digest('base64url'), challenge);
}

/** One-time codes: 256 random bits, single use (GETDEL is atomic), bound to the client's challenge. */
export function createCodeStore(redis: Redis) {
  return {
    async issue(grant: CodeGrant): Promise<string> {
      const code = randomToken(32);
      await redis.set(keyOf(code), JSON.stringify(grant), 'EX', CODE_TTL_SECONDS);
      return code;
    },
    /** Reads a code without spending it (GET /auth/workspaces). */
    async peek(code: string): Promise<CodeGrant | undefined> {
      return parseStored(grantSchema, await redis.get(keyOf(code)));
    },
    /** Spends a code: whatever happens next (a wrong verifier included), it is gone. */
    async consume(code: string): Promise<CodeGrant | undefined> {
      return parseStored(grantSchema, await redis.getdel(keyOf(code)));
    },
  };
}
export type CodeStore = ReturnType<typeof createCodeStore>;
