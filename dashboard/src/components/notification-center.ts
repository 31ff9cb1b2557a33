// Notifications addressed to this user on a view that shows no session tiles (the replay): one prompt per session
// with open notifications, under the session's label and a link to its bedside view. A monitor browsing a
// recording must still see — and hear — an escalation that reaches them live.
import { alarmAudio } from '../audio.js';
import { h, setText } from '../dom.js';
import type { NotificationInbox } from '../notification-inbox.js';
import { sessionHref } from '../router.js';
import { NotificationPrompt } from './notification-prompt.js';

interface Box {
  el: HTMLElement;
  title: HTMLAnchorElement;
  prompt: NotificationPrompt;
}

export class NotificationCenter {
  readonly el: HTMLElement;
  private readonly boxes = new Map<string, Box>();

  constructor(
    private readonly inbox: NotificationInbox,
    /** the session's patient label, when known */
    private readonly labelOf: (session: string) => string | undefined,
  ) {
    this.el = h('section', { class: 'notification-center', 'data-testid': 'notifications', 'aria-label': 'Notifications to you', hidden: true });
  }

  update(visible: boolean): void {
    const sessions = this.inbox.sessions();
    this.el.hidden = sessions.length === 0;
    for (const [session, box] of this.boxes) {
      if (!sessions.includes(session)) {
        box.el.remove();
        this.boxes.delete(session);
      }
    }
    for (const session of sessions) {
      let box = this.boxes.get(session);
      if (box === undefined) {
        const title = h('a', { href: sessionHref(session) });
        const prompt = new NotificationPrompt(session, this.inbox);
        box = { el: h('div', { class: 'notification-session', 'data-session': session }, h('h2', {}, 'Live session ', title), prompt.el), title, prompt };
        this.boxes.set(session, box);
        this.el.append(box.el);
      }
      setText(box.title, this.labelOf(session) ?? session);
      box.prompt.update(new Map(), visible);
    }
    alarmAudio.set(this.inbox.loudest());
  }
}
