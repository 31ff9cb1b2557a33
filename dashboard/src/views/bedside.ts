// The bedside view (#/session/<id>): for the two therapists, from across a dimmed room. State comes from the
// WebSocket (snapshot, then live lines applied to a local copy); every action's answer carries the full state,
// which replaces the copy. While the WebSocket is down, a banner says so and no number is shown. Under the
// alarms, one line says whether someone was told about them (the escalation); a person a notification is
// addressed to may answer it here too.
import { ApiError, getJson, postJson, sessionPath } from '../api.js';
import { alarmAudio } from '../audio.js';
import { SessionClock } from '../clock.js';
import { AlarmBanner } from '../components/alarm-banner.js';
import { AudioControls } from '../components/audio-controls.js';
import { DeviceList } from '../components/devices.js';
import { EscalationPanel } from '../components/escalation-panel.js';
import { EventLog, type LoggedEvent } from '../components/event-log.js';
import { NotificationPrompt } from '../components/notification-prompt.js';
import { PairPanel } from '../components/pair-panel.js';
import { RulesOff } from '../components/rules-off.js';
import { SessionHeader } from '../components/session-header.js';
import { TrendPanel } from '../components/trends.js';
import { VitalTiles } from '../components/vitals.js';
import { append, h, setText } from '../dom.js';
import { escalationOptions } from '../escalation.js';
import { labelsOf } from '../escalation-text.js';
import { NotificationInbox } from '../notification-inbox.js';
import { mayAct, mayAnswerNotifications, mayBind } from '../roles.js';
import { SessionModel } from '../state.js';
import type { ActionAnswer, Me, SessionDetail } from '../types.js';
import { HubClient } from '../ws.js';
import type { View } from './view.js';

/** 8 hours of 10-second buckets: the whole session at full trend resolution. */
const TREND_POINTS = 2880;
const RENDER_MS = 250;

export function bedsideView(me: Me, id: string): View {
  const offline = h('div', { class: 'offline', 'data-testid': 'offline', role: 'alert', hidden: true }, 'CONNECTION LOST — reconnecting. Values are hidden until vigil is reachable again; alarms shown are the last known.');
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const body = h('div', { class: 'bedside-body' }, h('p', { class: 'loading' }, 'Loading the session…'));
  const root = h('div', { class: 'view bedside' }, offline, notice, body);

  const model = new SessionModel();
  const clock = new SessionClock();
  const inbox = new NotificationInbox((session, notification, state) => hub?.receipt(session, notification, state) ?? false);
  let detail: SessionDetail | undefined;
  let hub: HubClient | undefined;
  let online = false;
  let snapshotSeen = false;
  let stopped = false;
  let renderTimer: number | undefined;
  let tick: number | undefined;
  let offlineGrace: number | undefined;
  let detailTimer: number | undefined;
  const cleanups: Array<() => void> = [];
  let render = (): void => undefined;
  // A notification shown while the page was hidden is read once the page is visible.
  const onVisibility = (): void => render();

  const say = (text: string): void => {
    setText(notice, text);
    notice.hidden = text === '';
  };
  const schedule = (): void => {
    if (renderTimer !== undefined || stopped) return;
    renderTimer = window.setTimeout(() => {
      renderTimer = undefined;
      render();
    }, RENDER_MS);
  };
  const setOffline = (down: boolean): void => {
    window.clearTimeout(offlineGrace);
    offline.hidden = !down;
  };

  /** Posts an action; its answer's state replaces the local copy. */
  const act = async (path: string, payload: unknown, what: string): Promise<void> => {
    try {
      const answer = await postJson<ActionAnswer>(sessionPath(id, path), payload);
      clock.observe(answer.t);
      model.loadState(answer.state);
      say('');
      render();
    } catch (error) {
      say(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };

  const build = (session: SessionDetail): void => {
    const canAct = mayAct(me, session);
    const header = new SessionHeader();
    header.setLabel(session.patient, session.room);
    const banner = new AlarmBanner(canAct ? { acknowledge: (rule) => act('/alarms/acknowledge', rule === undefined ? {} : { rule }, 'Acknowledge') } : {});
    const audio = new AudioControls({ audible: true, ...(canAct ? { pause: () => act('/alarms/pause', {}, 'Audio pause') } : {}) });
    const rulesOff = new RulesOff();
    const vitals = new VitalTiles();
    const trends = new TrendPanel();
    const events = new EventLog(canAct ? { log: (event: LoggedEvent) => act('/events', event, 'Logging the event') } : {});
    const devices = new DeviceList();
    const escalation = new EscalationPanel({ detail: false });
    const prompt = mayAnswerNotifications(me) ? new NotificationPrompt(id, inbox) : undefined;
    const pair = mayBind(me, session) ? new PairPanel(id) : undefined;
    const readOnly = canAct ? null : h('p', { class: 'read-only' }, `Read-only for ${me.username}: only the therapists and medical monitors assigned to this session acknowledge alarms, pause audio and log events.`);
    cleanups.push(() => trends.destroy(), () => pair?.destroy());
    body.replaceChildren();
    append(body, [
      header.el,
      h('div', { class: 'alarm-row' }, banner.el, audio.el),
      escalation.el,
      prompt?.el,
      rulesOff.el,
      vitals.el,
      trends.el,
      h('div', { class: 'lower' }, events.el, devices.el, pair?.el),
      readOnly,
    ]);
    render = () => {
      const now = clock.now();
      const live = online && snapshotSeen;
      header.update(model, now);
      banner.update(model, now, live);
      audio.update(model, now);
      const labels = labelsOf(detail?.escalation);
      escalation.update(model, now, labels);
      prompt?.update(labels, document.visibilityState === 'visible');
      rulesOff.update(model);
      vitals.update(model, now, live);
      trends.update(model, now);
      events.update(model);
      devices.update(model, detail?.devices ?? [], now);
    };
    render();
  };

  const refreshDetail = async (): Promise<void> => {
    const fresh = await getJson<SessionDetail>(sessionPath(id));
    detail = fresh;
    model.setRules(fresh.rules);
    if (fresh.escalation !== undefined) model.escalationOptions = escalationOptions(fresh.escalation);
  };

  const start = async (): Promise<void> => {
    try {
      await refreshDetail();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) say('No such session.');
      else if (error instanceof ApiError && error.status === 403) say('You may not see this session.');
      else if (!(error instanceof ApiError && error.status === 401)) {
        say(`Cannot load the session: ${error instanceof Error ? error.message : String(error)}`);
        setOffline(true);
        window.setTimeout(() => void (stopped ? undefined : start()), 3000);
      }
      return;
    }
    if (stopped || detail === undefined) return;
    say('');
    setOffline(false);
    // Until the first WebSocket snapshot arrives, the HTTP answer's state (no trend) fills the screen.
    model.loadState(detail.state);
    clock.observe(detail.state.now);
    build(detail);
    hub = new HubClient({
      session: id,
      points: TREND_POINTS,
      handlers: {
        snapshot: (snapshot) => {
          clock.observe(snapshot.state.now);
          model.loadSnapshot(snapshot.state, snapshot.trend);
          inbox.snapshot(id, snapshot.state.escalation, snapshot.state.now);
          snapshotSeen = true;
          schedule();
        },
        line: (_session, _seq, line) => {
          clock.observe(line.t);
          model.apply(line);
          inbox.line(id, line);
          schedule();
        },
        notification: (message) => {
          if (message.session !== id || !mayAnswerNotifications(me)) return;
          if (inbox.receive(message)) render();
        },
        status: (up) => {
          online = up;
          if (up) {
            setOffline(false);
            void refreshDetail().then(schedule, () => undefined);
          } else setOffline(true);
          render();
        },
        removed: () => {
          say('This session has ended and is no longer loaded by the service.');
          online = false;
          render();
        },
        failing: (attempts) => {
          if (attempts % 3 === 2) {
            void getJson<SessionDetail>(sessionPath(id)).catch((error: unknown) => {
              if (error instanceof ApiError && error.status === 404) say('This session no longer exists.');
              if (error instanceof ApiError && error.status === 403) say('You may no longer see this session.');
            });
          }
        },
      },
    });
    hub.start();
    // The first connection gets a moment before the page calls it lost.
    offlineGrace = window.setTimeout(() => {
      if (!online && !stopped) setOffline(true);
    }, 2000);
    tick = window.setInterval(() => render(), 1000);
    document.addEventListener('visibilitychange', onVisibility);
    // Bindings (devices paired elsewhere, unbound ones) change without a line of their own.
    detailTimer = window.setInterval(() => void refreshDetail().then(schedule, () => undefined), 15_000);
  };
  void start();

  return {
    el: root,
    destroy: () => {
      stopped = true;
      hub?.stop();
      window.clearTimeout(renderTimer);
      window.clearTimeout(offlineGrace);
      window.clearInterval(tick);
      window.clearInterval(detailTimer);
      document.removeEventListener('visibilitychange', onVisibility);
      for (const cleanup of cleanups) cleanup();
      alarmAudio.set('none');
    },
  };
}
