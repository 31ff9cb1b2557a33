// Output for commands: stdout for results, stderr for diagnostics; writes respect backpressure.
import { once } from 'node:events';

export class UsageError extends Error {
  override name = 'UsageError';
}

export async function out(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
