// The overview (#/, the medical monitor's view and the landing page): one tile per session the user may read,
// sorted by severity — patient label, room, time since dose, current values, highest alarm, and the running
// escalation (who was notified, how far it got, time left to accept, the alarms it carries). A person a
// notification is addressed to answers it on the tile: Accept or Decline (docs/notifications.md); `delivered` and
// `read` receipts go out by themselves, and the tone of its priority sounds until they answer (a pushed alert
// must be heard, not only seen). A click on a tile opens its bedside view.
import { getJson, sessionPath } from '../api.js';
import { alarmAudio } from '../audio.js';
import { SessionClock } from '../clock.js';
import { EscalationPanel } from '../components/escalation-panel.js';
import { NotificationPrompt } from '../components/notification-prompt.js';
import { h, setAttr, setText } from '../dom.js';
import { escalationOptions } from '../escalation.js';
import { labelsOf, type ContactLabels } from '../escalation-text.js';
import { DASH, fmtDuration, fmtHoursMinutes, fmtValue, PRIORITY_RANK } from '../format.js';
import { NotificationInbox } from '../notification-inbox.js';
import { mayAnswerNotifications } from '../roles.js';
import { sessionHref } from '../router.js';
import { SessionModel } from '../state.js';
import type { Me, NotificationAlarm, OpenAlarm, Priority, SessionDetail, SessionLine, SessionSummary } from '../types.js';
import { HubClient } from '../ws.js';
import type { View } from './view.js';

const POLL_MS = 2000;

interface Entry {
  id: string;
  /** from GET /api/sessions: until the list names the session, it has no tile */
  summary: SessionSummary | undefined;
  rulesLoaded: boolean;
  model: SessionModel;
  clock: SessionClock;
  snapshot: boolean;
  /** the escalation policy's contact labels (from the session answer, when it carries them) */
  labels: ContactLabels;
  /** alarm id → what a notification said about it (text, value), for alarms no longer in the state */
  told: Map<string, NotificationAlarm>;
  tile: Tile | undefined;
}

interface Tile {
  el: HTMLElement;
  link: HTMLAnchorElement;
  room: HTMLElement;
  phase: HTMLElement;
  dose: HTMLElement;
  values: HTMLElement;
  alarm: HTMLElement;
  escalation: EscalationPanel;
  prompt: NotificationPrompt | undefined;
}

function highestOf(entry: Entry): { priority: Priority | 'none'; alarm: OpenAlarm | undefined } {
  if (!entry.snapshot) {
    const summary = entry.summary?.highestAlarm;
    return { priority: summary?.priority ?? 'none', alarm: undefined };
  }
  const alarm = entry.model.state.alarms[0];
  return { priority: alarm?.priority ?? 'none', alarm };
}

function escalated(entry: Entry): OpenAlarm[] {
  return entry.snapshot ? entry.model.state.alarms.filter((a) => a.escalations > 0 && !a.acknowledged) : [];
}

/** An escalation nobody has taken on yet (still notifying, or every contact tried). */
function escalationWaiting(entry: Entry): boolean {
  const escalation = entry.snapshot ? entry.model.state.escalation : null;
  return escalation !== null && escalation.state !== 'accepted';
}

export function overviewView(me: Me): View {
  const answers = mayAnswerNotifications(me);
  const offline = h('div', { class: 'offline', 'data-testid': 'offline', role: 'alert', hidden: true }, 'CONNECTION LOST — reconnecting. Values are hidden until vigil is reachable again.');
  const grid = h('div', { class: 'tiles' });
  const empty = h('p', { class: 'empty', hidden: true }, 'No sessions to show. A therapist sees the sessions they are assigned to; medical monitors see every live session.');
  const root = h('div', { class: 'view overview' }, offline, h('h1', { class: 'view-title' }, 'Sessions'), empty, grid);
  const entries = new Map<string, Entry>();
  // Notifications addressed to this user; receipts go back over the overview's own connection.
  const inbox = new NotificationInbox((session, notification, state) => hub.receipt(session, notification, state));
  let online = false;
  let stopped = false;
  let renderTimer: number | undefined;

  const entryFor = (id: string): Entry => {
    let entry = entries.get(id);
    if (entry === undefined) {
      entry = { id, summary: undefined, rulesLoaded: false, model: new SessionModel(), clock: new SessionClock(), snapshot: false, labels: new Map(), told: new Map(), tile: undefined };
      entries.set(id, entry);
    }
    return entry;
  };

  /** The rule texts of a session's profile, once (for the alarm line of its tile). */
  const loadRules = (entry: Entry): void => {
    if (entry.rulesLoaded) return;
    entry.rulesLoaded = true;
    getJson<SessionDetail>(sessionPath(entry.id)).then(
      (detail) => {
        entry.model.setRules(detail.rules);
        entry.labels = labelsOf(detail.escalation);
        if (detail.escalation !== undefined) entry.model.escalationOptions = escalationOptions(detail.escalation);
        schedule();
      },
      () => (entry.rulesLoaded = false),
    );
  };

  const hub = new HubClient({
    session: '*',
    points: 0,
    handlers: {
      snapshot: (snapshot) => {
        const entry = entryFor(snapshot.session);
        if (entry.summary === undefined) void poll();
        entry.model.loadSnapshot(snapshot.state);
        entry.clock.observe(snapshot.state.now);
        entry.snapshot = true;
        inbox.snapshot(snapshot.session, snapshot.state.escalation, snapshot.state.now);
        schedule();
      },
      line: (session, _seq, line: SessionLine) => {
        const entry = entries.get(session);
        if (entry === undefined) return;
        entry.clock.observe(line.t);
        entry.model.apply(line);
        inbox.line(session, line);
        if (line.type !== 'sample' && line.type !== 'device' && line.type !== 'baseline') schedule();
      },
      notification: (message) => {
        if (!answers) return;
        if (!inbox.receive(message)) return;
        const entry = entryFor(message.session);
        for (const alarm of message.notification.alarms) entry.told.set(alarm.id, alarm);
        if (entry.summary === undefined) void poll();
        render();
      },
      removed: (session) => {
        entries.get(session)?.tile?.el.remove();
        entries.delete(session);
        inbox.forget(session);
        schedule();
      },
      status: (up) => {
        online = up;
        offline.hidden = up;
        render();
      },
    },
  });

  const poll = async (): Promise<void> => {
    try {
      const list = await getJson<SessionSummary[]>('/api/sessions');
      const ids = new Set(list.map((s) => s.id));
      for (const summary of list) {
        const entry = entryFor(summary.id);
        entry.summary = summary;
        entry.clock.observe(summary.now);
        loadRules(entry);
      }
      for (const [id, entry] of entries) {
        if (!ids.has(id) && entry.summary !== undefined) {
          entry.tile?.el.remove();
          entries.delete(id);
        }
      }
      render();
    } catch {
      // offline or signed out: the banner and the sign-in page say so
    }
  };

  /** Severity order: priority, an answer this user owes, an escalation nobody took on, unacknowledged, live. */
  const severity = (entry: Entry): number[] => {
    const { priority } = highestOf(entry);
    const rank = priority === 'none' ? 0 : PRIORITY_RANK[priority];
    const owed = inbox.unanswered(entry.id).length > 0 ? 1 : 0;
    const unacked = entry.snapshot ? (entry.model.state.alarms.some((a) => !a.acknowledged) ? 1 : 0) : entry.summary?.highestAlarm?.acknowledged === false ? 1 : 0;
    return [rank, owed, escalationWaiting(entry) ? 1 : 0, unacked, entry.summary?.phase === 'live' ? 1 : 0];
  };

  const makeTile = (entry: Entry): Tile => {
    const id = entry.id;
    const link = h('a', { class: 'tile-link', href: sessionHref(id) }, entry.summary?.patient ?? id);
    const tile: Tile = {
      el: h('article', { class: 'tile', 'data-testid': 'session-tile', 'data-session': id }),
      link,
      room: h('span', { class: 'tile-room' }),
      phase: h('span', { class: 'tile-phase' }),
      dose: h('div', { class: 'tile-dose' }),
      values: h('div', { class: 'tile-values' }),
      alarm: h('div', { class: 'tile-alarm' }),
      escalation: new EscalationPanel({ detail: true }),
      prompt: answers ? new NotificationPrompt(id, inbox) : undefined,
    };
    tile.el.append(h('header', {}, link, tile.room, tile.phase), tile.dose, tile.values, tile.alarm, tile.escalation.el, tile.prompt?.el ?? '');
    tile.el.addEventListener('click', (event) => {
      if ((event.target as Element).closest('button, a') !== null) return;
      location.hash = sessionHref(id);
    });
    return tile;
  };

  const fill = (entry: Entry, summary: SessionSummary, tile: Tile): void => {
    const { model } = entry;
    const now = entry.clock.now();
    const { priority, alarm } = highestOf(entry);
    const escalation = entry.snapshot ? model.state.escalation : null;
    const owed = inbox.unanswered(entry.id).length > 0;
    setAttr(tile.el, 'data-highest', priority);
    setAttr(tile.el, 'data-escalated', String(escalation !== null || escalated(entry).length > 0));
    setAttr(tile.el, 'data-escalation', escalation?.state ?? 'none');
    tile.el.className = `tile prio-${priority}${escalationWaiting(entry) || owed ? ' escalated' : ''}${summary.phase === 'ended' ? ' ended' : ''}`;
    setText(tile.link, summary.patient);
    setText(tile.room, summary.room === null ? '' : `room ${summary.room}`);
    setText(tile.phase, summary.phase === 'live' ? (summary.simulated ? 'live · simulated' : 'live') : summary.phase);
    const doseAt = entry.snapshot ? model.state.doseAt : summary.doseAt;
    setText(tile.dose, doseAt === null ? 'no dose yet' : `${fmtHoursMinutes(now - doseAt)} since dose`);
    const live = online && entry.snapshot;
    const v = (vital: 'hr' | 'spo2' | 'temp'): string => {
      if (!live) return DASH;
      const reading = model.reading(vital, now);
      // a spot reading (thermometer) is shown with its age, never as if it were a live stream
      const age = !reading.continuous && reading.value !== null && reading.t !== null ? ` (${fmtDuration(now - reading.t)} ago)` : '';
      return `${fmtValue(vital, reading.value)}${age}`;
    };
    const sbp = model.state.vitals.sbp;
    const bpAge = sbp.t === null ? '' : ` (${fmtDuration(now - sbp.t)} ago)`;
    const bp = live && sbp.value !== null && model.state.endedAt === null ? `${fmtValue('sbp', sbp.value)}/${fmtValue('dbp', model.state.vitals.dbp.value)}${bpAge}` : DASH;
    setText(tile.values, `HR ${v('hr')} · SpO₂ ${v('spo2')} · BP ${bp} · T ${v('temp')}`);
    if (priority === 'none') setText(tile.alarm, 'no alarm');
    else if (alarm !== undefined) {
      const state = alarm.active ? (alarm.acknowledged ? 'active, acknowledged' : 'ACTIVE') : 'resolved, not acknowledged';
      setText(tile.alarm, `${priority.toUpperCase()}: ${model.rule(alarm.rule)?.text ?? alarm.rule} (${state})${model.state.alarms.length > 1 ? ` +${model.state.alarms.length - 1} more` : ''}`);
    } else if (summary.highestAlarm !== null) setText(tile.alarm, `${priority.toUpperCase()}: ${summary.highestAlarm.rule}`);
    tile.escalation.update(model, now, entry.labels, entry.told);
    tile.prompt?.update(entry.labels, document.visibilityState === 'visible');
  };

  const render = (): void => {
    if (stopped) return;
    const sorted = [...entries.values()].filter((e) => e.summary !== undefined).sort((a, b) => {
      const sa = severity(a);
      const sb = severity(b);
      for (let i = 0; i < sa.length; i++) if ((sa[i] as number) !== (sb[i] as number)) return (sb[i] as number) - (sa[i] as number);
      return a.id.localeCompare(b.id);
    });
    empty.hidden = sorted.length > 0;
    alarmAudio.set(inbox.loudest());
    sorted.forEach((entry, index) => {
      entry.tile ??= makeTile(entry);
      fill(entry, entry.summary as SessionSummary, entry.tile);
      if (grid.children[index] !== entry.tile.el) grid.insertBefore(entry.tile.el, grid.children[index] ?? null);
    });
  };

  const schedule = (): void => {
    if (renderTimer !== undefined) return;
    renderTimer = window.setTimeout(() => {
      renderTimer = undefined;
      render();
    }, 250);
  };

  // A notification shown while the page was hidden is read once the page is visible.
  const onVisibility = (): void => render();
  document.addEventListener('visibilitychange', onVisibility);
  void poll().then(() => hub.start());
  const pollTimer = window.setInterval(() => void poll(), POLL_MS);
  const tick = window.setInterval(render, 1000);
  const grace = window.setTimeout(() => {
    if (!online && !stopped) offline.hidden = false;
  }, 2000);

  return {
    el: root,
    destroy: () => {
      stopped = true;
      hub.stop();
      alarmAudio.set('none');
      document.removeEventListener('visibilitychange', onVisibility);
      window.clearInterval(pollTimer);
      window.clearInterval(tick);
      window.clearTimeout(renderTimer);
      window.clearTimeout(grace);
    },
  };
}
