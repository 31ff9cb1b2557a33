// The notifier's end of the WebSocket hub. The hub is built with the HTTP server, after the notifier and its
// channels exist, so the link is made first and the hub attaches to it when it starts.
import type { HubNotifications, HubPush } from '../api/hub-types.js';
import type { NotificationMessage, ReceiptMessage } from '../api/ws-protocol.js';
import type { User } from '../auth/types.js';

export type FollowListener = (user: User, session: string) => void;
export type ReceiptHandler = (user: User, receipt: ReceiptMessage) => string | undefined;

export class HubLink implements HubNotifications {
  private hub: HubPush | undefined;
  private readonly followers = new Set<FollowListener>();
  private receiptHandler: ReceiptHandler | undefined;

  attach(hub: HubPush): void {
    this.hub = hub;
  }

  /** How many connections got the message (0 while no hub is attached). */
  push(session: string, to: (user: User) => boolean, message: NotificationMessage): number {
    return this.hub?.push(session, to, message) ?? 0;
  }

  /** Tells `listener` whenever a connection starts following a session. */
  onFollow(listener: FollowListener): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }

  onReceipt(handler: ReceiptHandler): void {
    this.receiptHandler = handler;
  }

  followed(user: User, session: string): void {
    for (const listener of this.followers) listener(user, session);
  }

  receipt(user: User, receipt: ReceiptMessage): string | undefined {
    return this.receiptHandler === undefined ? 'notifications are not enabled' : this.receiptHandler(user, receipt);
  }
}
