// The `vigil` command line: one module per command.
import { ProfileError } from '../core/profile.js';
import { err, out, UsageError } from './io.js';
import { replayCommand } from './replay-command.js';
import { simulateCommand } from './simulate-command.js';

const HELP = `usage: vigil <command> [options]

commands:
  serve                      run the monitoring service (dashboard at http://localhost:8080)
  simulate                   write a recording of a simulated session (--scenario, --out, --seed, --duration)
  replay <file>              feed a recording through the core (--speed, --profile, --json, --compare)
  decode <format> <frame>    decode one device frame (BLE characteristic or serial protocol) to JSON
  user add|list|remove|passwd  manage staff accounts (--role therapist|monitor|engineer|admin)

vigil <command> --help tells more. vigil is a monitoring aid, not a certified medical device.
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  replay: async () => replayCommand,
  simulate: async () => simulateCommand,
  decode: async () => (await import('./decode-command.js')).decodeCommand,
  user: async () => (await import('./user-command.js')).userCommand,
  // The service pulls in the HTTP stack: load it only when asked for.
  serve: async () => (await import('./serve-command.js')).serveCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    await out(HELP);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    err(`vigil: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(args);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      err(`vigil ${name}: ${error.message}\n(vigil ${name} --help for usage)`);
      return 2;
    }
    if (error instanceof ProfileError) {
      err(`vigil ${name}: ${error.message}`);
      return 1;
    }
    err(`vigil ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
