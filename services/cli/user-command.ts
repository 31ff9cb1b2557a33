// `vigil user add|list|remove|passwd`: staff accounts in <data-dir>/users.json, edited while the service
// runs (it notices the changed file). Passwords come from standard input or are generated and shown once.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePassword } from '../auth/password.js';
import { ROLES } from '../auth/types.js';
import { UserStore, UserStoreError } from '../auth/user-store.js';
import { out, UsageError } from './io.js';

const HELP = `usage: vigil user <subcommand> [options]

Manages the staff accounts that sign in to vigil (never patients: usernames such as "t.weber").

  vigil user add <username> --role <role>[,<role>…] [--password-stdin]
  vigil user list [--json]
  vigil user remove <username>
  vigil user passwd <username> [--password-stdin]

  --role <roles>      ${ROLES.join(', ')} (comma-separated or repeated)
  --password-stdin    read the password (at least 12 characters) from standard input, e.g.
                      printf '%s' "$PASSWORD" | vigil user add t.weber --role therapist --password-stdin;
                      without it a random password is generated and printed once
  --json              list as JSON
  --data-dir <dir>    where users.json is kept (default: $VIGIL_DATA_DIR or ./data)

A new password ends the user's existing sign-ins; the last admin cannot be removed.
`;

/** The whole of standard input, less one trailing newline (what `echo` adds). */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY === true) {
    throw new UsageError('--password-stdin reads from a pipe, not a terminal (leave it out to have a password generated)');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Bad input is a usage error (exit 2); a clash with what is stored is a plain failure (exit 1). */
function asCliError(error: unknown): unknown {
  if (error instanceof UserStoreError && error.code.startsWith('invalid-')) return new UsageError(error.message);
  return error;
}

function oneUsername(positionals: string[], subcommand: string): string {
  const [username, ...rest] = positionals;
  if (username === undefined) throw new UsageError(`vigil user ${subcommand} needs a username`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return username;
}

export async function userCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string', multiple: true },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [subcommand, ...rest] = positionals;
  if (values.help) {
    await out(HELP);
    return 0;
  }
  if (subcommand === undefined) {
    await out(HELP);
    return 2;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env['VIGIL_DATA_DIR'] ?? 'data');
  const store = await UserStore.open(dataDir);
  const password = async (): Promise<{ password: string; generated: boolean }> =>
    values['password-stdin'] ? { password: await readPasswordFromStdin(), generated: false } : { password: generatePassword(), generated: true };

  try {
    switch (subcommand) {
      case 'add': {
        const username = oneUsername(rest, 'add');
        const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '');
        if (roles.length === 0) throw new UsageError(`--role is required (${ROLES.join(', ')})`);
        const secret = await password();
        const user = await store.add(username, secret.password, roles);
        await out(`added user ${user.username} (${user.roles.join(', ')})\n`);
        if (secret.generated) await out(`password (shown only now; hand it over privately): ${secret.password}\n`);
        return 0;
      }
      case 'list': {
        if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
        const users = await store.list();
        if (values.json) {
          await out(`${JSON.stringify(users)}\n`);
          return 0;
        }
        const width = Math.max(8, ...users.map((u) => u.username.length)) + 2;
        await out(`${'username'.padEnd(width)}roles\n${users.map((u) => `${u.username.padEnd(width)}${u.roles.join(', ')}\n`).join('')}`);
        return 0;
      }
      case 'remove': {
        const username = oneUsername(rest, 'remove');
        await store.remove(username);
        await out(`removed user ${username}\n`);
        return 0;
      }
      case 'passwd': {
        const username = oneUsername(rest, 'passwd');
        // Fail before reading a password for an account that is not there.
        if (store.get(username) === undefined) throw new Error(`no user "${username}"`);
        const secret = await password();
        await store.setPassword(username, secret.password);
        await out(`changed the password of ${username}; their sign-ins have ended\n`);
        if (secret.generated) await out(`password (shown only now; hand it over privately): ${secret.password}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown subcommand "${subcommand}" (add, list, remove, passwd)`);
    }
  } catch (error) {
    throw asCliError(error);
  }
}
