// How far a notification got, from what its channels reported (docs/notifications.md). Plain functions over
// plain data, no Node-only imports: the core's chain, the notifier and the dashboard all rank deliveries so.
import type { ChannelDelivery, NotificationStatus } from './snapshot.js';
import type { DeliveryState } from './types.js';

/** failed < sent < delivered < read < declined < accepted: a person's answer outranks a delivery, an acceptance a decline. */
export const DELIVERY_PROGRESS: Readonly<Record<DeliveryState, number>> = { failed: 0, sent: 1, delivered: 2, read: 3, declined: 4, accepted: 5 };

/** The message reached the receiving client (or the person): the channel has done its part. */
export function gotThrough(state: DeliveryState): boolean {
  return DELIVERY_PROGRESS[state] >= DELIVERY_PROGRESS.delivered;
}

/**
 * A notification's overall status: the furthest any channel's latest report reached, so `failed` only while
 * every channel that reported failed; `pending` before any report.
 */
export function notificationStatus<C extends Pick<ChannelDelivery, 'state'>>(channels: Readonly<Record<string, C>>): NotificationStatus['status'] {
  let best: NotificationStatus['status'] = 'pending';
  for (const channel of Object.values(channels)) if (best === 'pending' || DELIVERY_PROGRESS[channel.state] > DELIVERY_PROGRESS[best]) best = channel.state;
  return best;
}
