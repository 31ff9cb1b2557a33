// The overview (#/, the medical monitor's view and the landing page): one tile per session the user may read,
// sorted by severity — patient label, room, time since dose, current values, highest alarm. Escalated alarms
// (escalated and still unacknowledged) stand out and are confirmed with one click: the WebSocket `confirm`
// for that alarm's escalation message. A click on a tile opens its bedside view.
import { getJson, sessionPath } from '../api.js';
import { SessionClock } from '../clock.js';
import { h, setAttr, setText } from '../dom.js';
import { DASH, fmtDuration, fmtHoursMinutes, fmtValue, PRIORITY_RANK } from '../format.js';
import { sessionHref } from '../router.js';
import { SessionModel } from '../state.js';
import type { HubLine, Me, OpenAlarm, Priority, SessionDetail, SessionSummary } from '../types.js';
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
  /** alarm id → seq of its escalation message (what confirm-escalation confirms) */
  escalationSeq: Map<string, number>;
  confirmed: Set<string>;
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
  escalation: HTMLElement;
  confirm: HTMLButtonElement;
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

function severity(entry: Entry): number[] {
  const { priority } = highestOf(entry);
  const rank = priority === 'none' ? 0 : PRIORITY_RANK[priority];
  const unconfirmed = escalated(entry).some((a) => !entry.confirmed.has(a.id)) ? 1 : 0;
  const unacked = entry.snapshot ? (entry.model.state.alarms.some((a) => !a.acknowledged) ? 1 : 0) : entry.summary?.highestAlarm?.acknowledged === false ? 1 : 0;
  return [rank, unconfirmed, unacked, entry.summary?.phase === 'live' ? 1 : 0];
}

export function overviewView(_me: Me): View {
  const offline = h('div', { class: 'offline', 'data-testid': 'offline', role: 'alert', hidden: true }, 'CONNECTION LOST — reconnecting. Values are hidden until vigil is reachable again.');
  const grid = h('div', { class: 'tiles' });
  const empty = h('p', { class: 'empty', hidden: true }, 'No sessions to show. A therapist sees the sessions they are assigned to; medical monitors see every live session.');
  const root = h('div', { class: 'view overview' }, offline, h('h1', { class: 'view-title' }, 'Sessions'), empty, grid);
  const entries = new Map<string, Entry>();
  let online = false;
  let stopped = false;
  let renderTimer: number | undefined;

  const entryFor = (id: string): Entry => {
    let entry = entries.get(id);
    if (entry === undefined) {
      entry = { id, summary: undefined, rulesLoaded: false, model: new SessionModel(), clock: new SessionClock(), snapshot: false, escalationSeq: new Map(), confirmed: new Set(), tile: undefined };
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
        schedule();
      },
      line: (session, _seq, line: HubLine) => {
        const entry = entries.get(session);
        if (entry === undefined) return;
        entry.clock.observe(line.t);
        entry.model.apply(line);
        if (line.type === 'alarm' || line.type === 'event') schedule();
      },
      alarmMessage: (session, seq, line) => {
        if (line.type === 'alarm' && line.state === 'escalated' && line.id !== undefined) entries.get(session)?.escalationSeq.set(line.id, seq);
      },
      removed: (session) => {
        entries.get(session)?.tile?.el.remove();
        entries.delete(session);
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

  const confirmEscalation = (entry: Entry): void => {
    for (const alarm of escalated(entry)) {
      const seq = entry.escalationSeq.get(alarm.id);
      if (seq !== undefined) hub.confirm(entry.id, seq);
      entry.confirmed.add(alarm.id);
    }
    render();
  };

  const makeTile = (entry: Entry): Tile => {
    const id = entry.id;
    const link = h('a', { class: 'tile-link', href: sessionHref(id) }, entry.summary?.patient ?? id);
    const confirm = h('button', { type: 'button', class: 'btn btn-escalation', 'data-testid': 'confirm-escalation', hidden: true }, 'Confirm escalation');
    confirm.addEventListener('click', (event) => {
      event.stopPropagation();
      confirmEscalation(entry);
    });
    const tile: Tile = {
      el: h('article', { class: 'tile', 'data-testid': 'session-tile', 'data-session': id }),
      link,
      room: h('span', { class: 'tile-room' }),
      phase: h('span', { class: 'tile-phase' }),
      dose: h('div', { class: 'tile-dose' }),
      values: h('div', { class: 'tile-values' }),
      alarm: h('div', { class: 'tile-alarm' }),
      escalation: h('div', { class: 'tile-escalation', hidden: true }),
      confirm,
    };
    tile.el.append(h('header', {}, link, tile.room, tile.phase), tile.dose, tile.values, tile.alarm, tile.escalation, confirm);
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
    const escalations = escalated(entry);
    const unconfirmed = escalations.filter((a) => !entry.confirmed.has(a.id));
    setAttr(tile.el, 'data-highest', priority);
    setAttr(tile.el, 'data-escalated', String(escalations.length > 0));
    setAttr(tile.el, 'data-confirmed', String(escalations.length > 0 && unconfirmed.length === 0));
    tile.el.className = `tile prio-${priority}${unconfirmed.length > 0 ? ' escalated' : ''}${summary.phase === 'ended' ? ' ended' : ''}`;
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
    tile.escalation.hidden = escalations.length === 0;
    setText(tile.escalation, escalations.length === 0 ? '' : `ESCALATED: ${escalations.map((a) => model.rule(a.rule)?.text ?? a.rule).join(', ')} — not acknowledged at the bedside`);
    tile.confirm.hidden = escalations.length === 0;
    tile.confirm.disabled = unconfirmed.length === 0;
    setText(tile.confirm, escalations.length > 0 && unconfirmed.length === 0 ? 'Escalation confirmed ✓' : 'Confirm escalation');
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
      window.clearInterval(pollTimer);
      window.clearInterval(tick);
      window.clearTimeout(renderTimer);
      window.clearTimeout(grace);
    },
  };
}
