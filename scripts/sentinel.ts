/**
 * `pnpm sentinel <command>`: the operator CLI. Reads the same environment as the services (.env,
 * then the generated development secrets outside production). `pnpm sentinel help` lists commands.
 */
import { randomBytes } from 'node:crypto';
import { baseEnvSchema, ConfigError, DEV_SECRET_NAMES, findProjectRoot, readEnvironment, type Env } from '@sentinel/config';
import { migrateDatabase } from '@sentinel/db';
// Commands that act on a service's data run that service's own domain code, through the one
// module each service exports for scripts (its package's `./cli` entry, src/cli.ts).
import { createClientAppFromCli, loadConfig as authConfig, parseClientAppArgs } from '@sentinel/auth-service/cli';
import { loadConfig as gatewayConfig } from '@sentinel/gateway/cli';
import { loadConfig as permissionConfig } from '@sentinel/permission-service/cli';
import { createServiceAppFromCli, loadConfig as tokenConfig, refusalNotice, rotateKeyFromCli } from '@sentinel/token-service/cli';
import { loadConfig as workspaceConfig, verifyChainFromCli } from '@sentinel/workspace-service/cli';

/** Every process's configuration loader, for `config check`. */
const PROCESSES: Record<string, (env: Env) => unknown> = {
  gateway: gatewayConfig,
  'auth-service': authConfig,
  'token-service': tokenConfig,
  'workspace-service': workspaceConfig,
  'permission-service': permissionConfig,
};

interface Command {
  usage: string;
  summary: string;
  run(args: string[], env: Env): Promise<number>;
}

/** `--name value` and `--name=value` options; anything else is a usage error. */
function parseOptions(args: string[], allowed: string[]): Record<string, string> | string {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (!match || name === undefined || !allowed.includes(name)) return `unknown argument: ${arg}`;
    const value = match[2] ?? args[++i];
    if (value === undefined) return `--${name} needs a value`;
    options[name] = value;
  }
  return options;
}

const migrateEnvSchema = baseEnvSchema.pick({ DATABASE_URL: true });

const commands: Record<string, Command> = {
  help: {
    usage: 'help',
    summary: 'this list',
    run: () => {
      for (const command of Object.values(commands)) console.log(`  pnpm sentinel ${command.usage.padEnd(66)} ${command.summary}`);
      return Promise.resolve(0);
    },
  },

  migrate: {
    usage: 'migrate',
    summary: 'create the database if missing and apply pending migrations',
    run: async (_args, env) => {
      const { DATABASE_URL } = migrateEnvSchema.parse(env);
      const { applied } = await migrateDatabase(DATABASE_URL, { log: (message) => console.log(message) });
      console.log(`${applied.length} migration(s) applied`);
      return 0;
    },
  },

  'config check': {
    usage: 'config check',
    summary: "check every process's configuration (NODE_ENV=production applies the production rules)",
    run: (_args, env) => {
      let failed = 0;
      for (const [name, load] of Object.entries(PROCESSES)) {
        try {
          load(env);
          console.log(`${name}: ok`);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          failed += 1;
          console.log(`${name}:\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
        }
      }
      return Promise.resolve(failed ? 1 : 0);
    },
  },

  'secrets generate': {
    usage: 'secrets generate',
    summary: `print strong random values for ${DEV_SECRET_NAMES.join(', ')}`,
    run: () => {
      for (const name of DEV_SECRET_NAMES) console.log(`${name}=${randomBytes(32).toString('hex')}`);
      return Promise.resolve(0);
    },
  },

  'keys rotate': {
    usage: 'keys rotate [--compromised]',
    summary: 'publish a new signing key that signs after the publish-ahead period; --compromised: at once, old tokens refused',
    run: async (args, env) => {
      const unknown = args.find((arg) => arg !== '--compromised');
      if (unknown !== undefined) return usageError(`unknown argument: ${unknown}`, 'keys rotate');
      const compromised = args.includes('--compromised');
      const result = await rotateKeyFromCli(env, { compromised });
      if (!result.ok) {
        for (const problem of result.problems) console.error(problem);
        return 1;
      }
      if (compromised) {
        console.error(`Signing key ${result.kid} signs from now on. ${refusalNotice(result.refusedKids)}`);
      } else {
        console.error(`Signing key ${result.kid} is published now and signs from ${result.activeAt.toISOString()}; the current key signs until then.`);
      }
      console.log(result.kid);
      return 0;
    },
  },

  'activity verify': {
    usage: 'activity verify',
    summary: "recompute the activity log's hash chain; exit 1 and name the first broken link if any",
    run: async (args, env) => {
      if (args.length > 0) return usageError(`unknown argument: ${args[0] ?? ''}`, 'activity verify');
      const outcome = await verifyChainFromCli(env);
      if (!outcome.ok) {
        for (const problem of outcome.problems) console.error(problem);
        return 1;
      }
      const { result } = outcome;
      const pending = result.unchained > 0 ? ` (${result.unchained} newer entries not chained yet)` : '';
      if (result.ok) {
        console.log(`activity chain intact: ${result.checked} entries verified${pending}`);
        return 0;
      }
      const { seq, entry_id, reason } = result.broken_at;
      console.log(`activity chain BROKEN at seq ${seq} (entry ${entry_id}): ${reason}; ${result.checked} entries verified before it${pending}`);
      return 1;
    },
  },

  'service-apps create': {
    usage: 'service-apps create --name <name> --service-name <service_name>',
    summary: 'register a backend service and print its API key (once)',
    run: async (args, env) => {
      const options = parseOptions(args, ['name', 'service-name']);
      if (typeof options === 'string') return usageError(options, 'service-apps create');
      const result = await createServiceAppFromCli({ name: options.name, serviceName: options['service-name'] }, env);
      if (!result.ok) {
        for (const problem of result.problems) console.error(problem);
        return 1;
      }
      const { app, apiKey } = result;
      console.error(`Created service app "${app.name}" for service '${app.serviceName}' (id ${app.id}).`);
      console.error('WARNING: this API key is shown only once. Store it now; it cannot be retrieved again.');
      console.log(apiKey);
      return 0;
    },
  },

  'client-apps create': {
    usage: 'client-apps create --name <name> --redirect-uri <uri> [--redirect-uri <uri> …]',
    summary: 'register a client app (the redirect URIs provider login may return to)',
    run: async (args, env) => {
      const options = parseClientAppArgs(args);
      if (typeof options === 'string') return usageError(options, 'client-apps create');
      const result = await createClientAppFromCli(options, env);
      if (!result.ok) {
        for (const problem of result.problems) console.error(problem);
        return 1;
      }
      console.error(`Created client app "${result.app.name}" (id ${result.app.id}) for ${result.app.redirect_uris.join(', ')}.`);
      console.log(result.app.id);
      return 0;
    },
  },
};

function usageError(message: string, name: string): number {
  console.error(`${message}\nusage: pnpm sentinel ${commands[name]?.usage ?? name}`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  // A command is its first word, or its first two ("service-apps create").
  const twoWords = argv.slice(0, 2).join(' ');
  const [name, rest] = commands[twoWords] ? [twoWords, argv.slice(2)] : [argv[0] ?? 'help', argv.slice(1)];
  const command = commands[name];
  if (!command) {
    console.error(`unknown command: ${argv.join(' ')}`);
    await commands.help?.run([], {});
    return 2;
  }
  // Production checks must see the environment as it is: no generated development secrets.
  const env = process.env.NODE_ENV === 'production' ? { ...process.env } : readEnvironment(process.env, findProjectRoot(__dirname));
  return command.run(rest, env);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
