// The replay view (#/replay, for engineers): a past or live session's recording (its journal, with the core's
// own alarm lines) or a local file. A file without alarm lines is replayed through the core on the service
// (POST /api/replay, engineers) and its outputs merged in. Playback drives the same state code and the same
// vital, trend and alarm elements as the bedside view, on a virtual clock: play, pause, 1×–600×, scrub. The
// escalation (who was notified, how far it got) replays too. A WebSocket connection to the live sessions is kept
// for what must reach a person whatever they are looking at: alarm-system failures (shown on every view) and
// notifications addressed to them (Accept / Decline here too).
import { api, ApiError, getJson, getText, sessionPath } from '../api.js';
import { AlarmBanner } from '../components/alarm-banner.js';
import { alarmAudio } from '../audio.js';
import { AudioControls } from '../components/audio-controls.js';
import { DeviceList } from '../components/devices.js';
import { EscalationPanel } from '../components/escalation-panel.js';
import { EventLog } from '../components/event-log.js';
import { NotificationCenter } from '../components/notification-center.js';
import { RulesOff } from '../components/rules-off.js';
import { SessionHeader } from '../components/session-header.js';
import { TrendPanel } from '../components/trends.js';
import { VitalTiles } from '../components/vitals.js';
import { h, setText } from '../dom.js';
import { escalationOptions } from '../escalation.js';
import { labelsOf, type ContactLabels } from '../escalation-text.js';
import { fmtClock, fmtDuration, fmtWithUnit } from '../format.js';
import { ReplayPlayer } from '../player.js';
import { parseRecording, withOutputs, type Recording } from '../recording.js';
import { NotificationInbox } from '../notification-inbox.js';
import { mayAnswerNotifications, mayReplay } from '../roles.js';
import { SessionModel } from '../state.js';
import type { Me, RuleInfo, ServerReplay, SessionDetail, SessionSummary } from '../types.js';
import { HubClient } from '../ws.js';
import type { View } from './view.js';

const SPEEDS = [1, 10, 60, 600];
const RENDER_MS = 150;

function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function replayView(me: Me): View {
  const model = new SessionModel();
  let player: ReplayPlayer | undefined;
  let renderTimer: number | undefined;
  let scrubbing = false;
  let renderedTransitions = 0;
  let loadToken = 0;

  const select = h('select', { 'data-testid': 'replay-session', 'aria-label': 'Session recording' }, h('option', { value: '' }, 'Choose a session…'));
  const file = h('input', { type: 'file', 'data-testid': 'replay-file', accept: '.ndjson,.jsonl,.json,.txt,application/x-ndjson', 'aria-label': 'Recording file' });
  const play = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'replay-play', disabled: true }, '▶ Play');
  const pause = h('button', { type: 'button', class: 'btn', 'data-testid': 'replay-pause', disabled: true }, '❚❚ Pause');
  const speed = h('select', { 'data-testid': 'replay-speed', 'aria-label': 'Speed' }, ...SPEEDS.map((s) => h('option', { value: s, selected: s === 60 }, `${s}×`)));
  const scrub = h('input', { type: 'range', 'data-testid': 'replay-scrub', min: 0, max: 0, step: 1, value: 0, disabled: true, 'aria-label': 'Position in the recording' });
  const clockEl = h('span', { class: 'replay-clock', 'data-testid': 'replay-clock' }, '—');
  const status = h('p', { class: 'replay-status', role: 'status' }, 'Choose a session recording or open a file.');
  const alarmList = h('ol', { class: 'replay-alarms', reversed: true });

  const header = new SessionHeader();
  const banner = new AlarmBanner();
  const audio = new AudioControls({ audible: false });
  const rulesOff = new RulesOff();
  const vitals = new VitalTiles();
  const trends = new TrendPanel();
  const events = new EventLog({});
  const devices = new DeviceList();
  const escalation = new EscalationPanel({ detail: true });
  let labels: ContactLabels = new Map();
  // Nothing else of the live sessions is shown here: `system` messages (system-status.ts) and this user's notifications.
  const patients = new Map<string, string>();
  const inbox = new NotificationInbox((session, notification, state) => live.receipt(session, notification, state));
  const notifications = new NotificationCenter(inbox, (session) => patients.get(session));
  const answers = mayAnswerNotifications(me);
  const showNotifications = (): void => notifications.update(document.visibilityState === 'visible');
  const live = new HubClient({
    session: '*',
    points: 0,
    handlers: {
      snapshot: (snapshot) => {
        inbox.snapshot(snapshot.session, snapshot.state.escalation, snapshot.state.now);
        if (answers) showNotifications();
      },
      line: (session, _seq, line) => {
        if (line.type !== 'notify-end') return;
        inbox.line(session, line);
        if (answers) showNotifications();
      },
      notification: (message) => {
        if (answers && inbox.receive(message)) showNotifications();
      },
      removed: (session) => inbox.forget(session),
    },
  });

  const controls = h(
    'div',
    { class: 'replay-controls panel' },
    h('div', { class: 'replay-source' }, h('label', {}, h('span', {}, 'Session'), select), h('label', {}, h('span', {}, 'or a file'), file)),
    h('div', { class: 'replay-transport' }, play, pause, h('label', {}, h('span', {}, 'Speed'), speed), clockEl),
    scrub,
    status,
  );
  const root = h(
    'div',
    { class: 'view replay', 'data-testid': 'replay-view' },
    notifications.el,
    h('h1', { class: 'view-title' }, 'Replay'),
    controls,
    header.el,
    h('div', { class: 'alarm-row' }, banner.el, audio.el),
    escalation.el,
    rulesOff.el,
    vitals.el,
    trends.el,
    h('div', { class: 'lower' }, events.el, devices.el, h('section', { class: 'panel replay-alarm-panel', 'aria-label': 'Alarm transitions' }, h('h2', {}, 'Alarm transitions so far'), alarmList)),
  );

  const renderTransitions = (): void => {
    const all = model.transitions;
    if (all.length < renderedTransitions) {
      alarmList.replaceChildren();
      renderedTransitions = 0;
    }
    for (let i = renderedTransitions; i < all.length; i++) {
      const t = all[i];
      if (t === undefined) continue;
      const text = model.rule(t.rule)?.text ?? t.rule;
      const value = t.value === undefined ? '' : ` · ${fmtWithUnit(t.vital, t.value)}`;
      alarmList.prepend(
        h('li', { class: `replay-alarm ${t.priority}`, 'data-testid': 'replay-alarm', 'data-rule': t.rule, 'data-priority': t.priority, 'data-state': t.state }, h('time', {}, fmtClock(t.t)), ` ${t.priority.toUpperCase()} ${t.state}: ${text}${value}${t.by === undefined ? '' : ` (by ${t.by})`}`),
      );
    }
    renderedTransitions = all.length;
  };

  const render = (): void => {
    const now = player?.position ?? 0;
    header.update(model, now);
    banner.update(model, now, true);
    audio.update(model, now);
    escalation.update(model, now, labels);
    rulesOff.update(model);
    vitals.update(model, now, player !== undefined);
    trends.update(model, now);
    events.update(model);
    devices.update(model, [], now);
    renderTransitions();
    if (player !== undefined) {
      setText(clockEl, `${fmtClock(now)} · T+${elapsedText(now - player.start)} of ${elapsedText(player.end - player.start)}`);
      if (!scrubbing) scrub.value = String(Math.round((now - player.start) / 1000));
      play.disabled = player.playing;
      pause.disabled = !player.playing;
    }
  };
  const schedule = (): void => {
    if (renderTimer !== undefined) return;
    renderTimer = window.setTimeout(() => {
      renderTimer = undefined;
      render();
    }, RENDER_MS);
  };

  const load = (recording: Recording, rules: RuleInfo[], source: string): void => {
    player?.destroy();
    player = undefined;
    model.reset();
    model.setRules(rules);
    const patient = recording.header?.session?.patient ?? '(no header)';
    labels = labelsOf(recording.header?.session?.escalation);
    // a header without a policy ran under the unstated one (services/core/escalation-policy.ts): no repeats
    model.escalationOptions = escalationOptions(recording.header?.session?.escalation ?? { repeatEvery: null });
    header.setLabel(patient, recording.header?.session?.room ?? null);
    if (recording.firstT === undefined || recording.lastT === undefined) {
      setText(status, `${source}: nothing to play (no samples, events or alarms${recording.bad > 0 ? `; ${recording.bad} unreadable lines` : ''}).`);
      render();
      return;
    }
    player = new ReplayPlayer(model, recording.lines, recording.firstT, recording.lastT, schedule);
    player.speed = Number(speed.value);
    scrub.max = String(Math.ceil((recording.lastT - recording.firstT) / 1000));
    scrub.value = '0';
    scrub.disabled = false;
    const alarms = recording.lines.filter((l) => l.type === 'alarm').length;
    setText(status, `${source} · ${patient} · ${fmtDuration(recording.lastT - recording.firstT)} · ${recording.lines.length} lines · ${alarms} alarm transitions${recording.bad > 0 ? ` · ${recording.bad} unreadable lines skipped` : ''}`);
    render();
  };

  /** A recording without alarm lines: the service replays it through the core (engineers). */
  const withServerAlarms = async (text: string, recording: Recording): Promise<{ recording: Recording; rules: RuleInfo[]; note: string }> => {
    if (recording.hasAlarms) return { recording, rules: [], note: 'alarms as recorded' };
    if (!mayReplay(me)) return { recording, rules: [], note: 'no alarm lines in this file, and only engineers may have the service replay it: values and trends only' };
    const answer = await api<ServerReplay>('POST', '/api/replay', { raw: { body: text, type: 'application/x-ndjson' } });
    return { recording: withOutputs(recording, answer.outputs), rules: answer.rules, note: `alarms computed by the service's core (profile ${answer.profile})${answer.truncated ? ', outputs truncated' : ''}` };
  };

  const fail = (what: string, error: unknown): void => {
    setText(status, `${what}: ${error instanceof ApiError && error.status === 403 ? 'not allowed for your role' : error instanceof Error ? error.message : String(error)}`);
  };

  select.addEventListener('change', () => {
    const id = select.value;
    if (id === '') return;
    const token = ++loadToken;
    file.value = '';
    setText(status, 'Loading the recording…');
    void (async () => {
      try {
        const [text, detail] = await Promise.all([getText(sessionPath(id, '/recording')), getJson<SessionDetail>(sessionPath(id)).catch(() => undefined)]);
        const parsed = parseRecording(text);
        const served = await withServerAlarms(text, parsed);
        if (token !== loadToken) return;
        load(served.recording, detail?.rules ?? served.rules, `Session ${id} (${served.note})`);
      } catch (error) {
        if (token === loadToken) fail('Cannot load the recording', error);
      }
    })();
  });

  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen === undefined) return;
    const token = ++loadToken;
    select.value = '';
    setText(status, `Reading ${chosen.name}…`);
    void (async () => {
      try {
        const text = await chosen.text();
        const parsed = parseRecording(text);
        if (!parsed.hasAlarms && mayReplay(me)) setText(status, `${chosen.name}: the service is replaying it through the core…`);
        const served = await withServerAlarms(text, parsed);
        if (token !== loadToken) return;
        load(served.recording, served.rules, `${chosen.name} (${served.note})`);
      } catch (error) {
        if (token === loadToken) fail(`Cannot replay ${chosen.name}`, error);
      }
    })();
  });

  play.addEventListener('click', () => {
    player?.play();
    render();
  });
  pause.addEventListener('click', () => {
    player?.pause();
    render(); // the clock shows where it stopped at once
  });
  speed.addEventListener('change', () => {
    if (player !== undefined) player.speed = Number(speed.value);
  });
  scrub.addEventListener('pointerdown', () => (scrubbing = true));
  scrub.addEventListener('pointerup', () => (scrubbing = false));
  scrub.addEventListener('input', () => {
    if (player === undefined) return;
    player.seek(player.start + Number(scrub.value) * 1000);
    render();
  });
  scrub.addEventListener('change', () => (scrubbing = false));

  void getJson<SessionSummary[]>('/api/sessions').then(
    (sessions) => {
      for (const s of sessions) patients.set(s.id, s.patient);
      for (const s of sessions) select.append(h('option', { value: s.id }, `${s.patient}${s.room === null ? '' : ` · ${s.room}`} · ${s.phase} · ${s.id}`));
    },
    () => undefined,
  );
  render();
  live.start();
  document.addEventListener('visibilitychange', showNotifications);

  return {
    el: root,
    destroy: () => {
      live.stop();
      document.removeEventListener('visibilitychange', showNotifications);
      alarmAudio.set('none');
      player?.destroy();
      trends.destroy();
      window.clearTimeout(renderTimer);
    },
  };
}
