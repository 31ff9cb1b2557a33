// Puts the notifier together: the hub link, the site's channels (the built-in monitor view included) and the
// notifier itself. `vigil serve` and the tests build it the same way.
import { createChannels, type ChannelDefinitions } from './channel-registry.js';
import type { Channel, NotifyLog } from './channel.js';
import { HubLink } from './hub-link.js';
import { Notifier } from './notifier.js';

export interface NotificationOptions {
  /** the site configuration's `channels` */
  channels?: ChannelDefinitions;
  log: NotifyLog;
  /** the service's public base URL (receivers post receipts to <publicUrl>/api/notify/receipts) */
  publicUrl(): string;
  env?: NodeJS.ProcessEnv;
}

export const RECEIPT_PATH = '/api/notify/receipts';

/** Throws ChannelConfigError naming every bad channel field. */
export function createNotifier(options: NotificationOptions): Notifier {
  const hub = new HubLink();
  const channels: Map<string, Channel> = createChannels(options.channels, {
    hub,
    log: options.log,
    env: options.env ?? process.env,
    receiptUrl: () => `${options.publicUrl().replace(/\/+$/, '')}${RECEIPT_PATH}`,
  });
  return new Notifier({ channels, hub, log: options.log });
}
