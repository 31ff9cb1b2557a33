// The four big numerics: HR, SpO2, BP (with the age of the last cuff reading) and temperature, each with its
// baseline and the change from it, coloured AND labelled by its alarm state. A number is only shown while it
// is current: offline, or a continuous vital silent for more than 15 s, shows — instead.
import { h, setAttr, setText } from '../dom.js';
import { DASH, fmtAge, fmtDelta, fmtDuration, fmtValue, PRIORITY_RANK } from '../format.js';
import type { SessionModel } from '../state.js';
import type { Priority, Vital } from '../types.js';

type Tile = 'hr' | 'spo2' | 'bp' | 'temp';

const TILE_OF: Readonly<Record<Vital, Tile>> = { hr: 'hr', spo2: 'spo2', sbp: 'bp', dbp: 'bp', map: 'bp', temp: 'temp' };
const TITLES: Readonly<Record<Tile, string>> = { hr: 'Heart rate', spo2: 'SpO₂', bp: 'Blood pressure', temp: 'Temperature' };
const UNITS: Readonly<Record<Tile, string>> = { hr: '/min', spo2: '%', bp: 'mmHg', temp: '°C' };
/** A cuff reading older than this is overdue (bp-overdue: cuff interval 15 min + 5 min). */
const CUFF_OVERDUE_MS = 20 * 60_000;

interface TileEls {
  root: HTMLElement;
  state: HTMLElement;
  value: HTMLElement;
  extra: HTMLElement;
  baseline: HTMLElement;
  delta: HTMLElement;
  age: HTMLElement;
}

export class VitalTiles {
  readonly el: HTMLElement;
  private readonly tiles = new Map<Tile, TileEls>();

  constructor() {
    this.el = h('div', { class: 'vitals' });
    for (const tile of ['hr', 'spo2', 'bp', 'temp'] as const) {
      const els: TileEls = {
        root: h('section', { class: `vital vital-${tile}`, 'data-testid': `vital-${tile}`, 'data-alarm': 'none', 'aria-label': TITLES[tile] }),
        state: h('span', { class: 'vital-state' }, 'no alarm'),
        value: h('span', { class: 'value', 'data-testid': 'value' }, DASH),
        extra: h('span', { class: 'extra' }),
        baseline: h('span', { 'data-testid': 'baseline' }, DASH),
        delta: h('span', { 'data-testid': 'delta' }, DASH),
        age: h('div', { class: 'age', ...(tile === 'bp' ? { 'data-testid': 'cuff-age' } : {}) }),
      };
      els.root.append(
        h('header', {}, h('h2', {}, TITLES[tile]), els.state),
        h('div', { class: 'reading' }, els.value, h('span', { class: 'unit' }, UNITS[tile]), els.extra),
        h('div', { class: 'meta' }, h('span', {}, 'baseline ', els.baseline), h('span', {}, 'change ', els.delta)),
        els.age,
      );
      this.tiles.set(tile, els);
      this.el.append(els.root);
    }
  }

  update(model: SessionModel, now: number, online: boolean): void {
    const worst = new Map<Tile, { priority: Priority; text: string }>();
    for (const alarm of model.state.alarms) {
      if (!alarm.active || alarm.vital === 'device') continue;
      const tile = TILE_OF[alarm.vital];
      const current = worst.get(tile);
      if (current === undefined || PRIORITY_RANK[alarm.priority] > PRIORITY_RANK[current.priority]) {
        worst.set(tile, { priority: alarm.priority, text: model.rule(alarm.rule)?.text ?? alarm.rule });
      }
    }
    for (const [tile, els] of this.tiles) {
      const alarm = worst.get(tile);
      setAttr(els.root, 'data-alarm', alarm?.priority ?? 'none');
      setText(els.state, alarm === undefined ? 'no alarm' : `${alarm.priority.toUpperCase()} ALARM · ${alarm.text}`);
      els.root.classList.toggle('offline', !online);
    }
    this.simple('hr', model, now, online);
    this.simple('spo2', model, now, online);
    this.simple('temp', model, now, online);
    this.bp(model, now, online);
  }

  private simple(vital: 'hr' | 'spo2' | 'temp', model: SessionModel, now: number, online: boolean): void {
    const els = this.tiles.get(vital) as TileEls;
    const reading = model.reading(vital, now);
    const baseline = model.state.vitals[vital].baseline;
    const shown = online ? reading.value : null;
    setText(els.value, fmtValue(vital, shown));
    setText(els.baseline, baseline === null ? 'not set' : fmtValue(vital, baseline));
    setText(els.delta, shown === null || baseline === null ? DASH : fmtDelta(vital, shown - baseline));
    let age: string;
    if (!online) age = 'offline — not live';
    else if (model.state.endedAt !== null) age = 'session ended';
    else if (reading.t === null) age = 'no reading yet';
    else if (reading.stale) age = `no data for ${fmtDuration(now - reading.t)}`;
    else age = reading.continuous ? `updated ${fmtAge(now - reading.t)}` : `reading ${fmtAge(now - reading.t)}`;
    setText(els.age, age);
    els.root.classList.toggle('stale', online && reading.stale);
  }

  private bp(model: SessionModel, now: number, online: boolean): void {
    const els = this.tiles.get('bp') as TileEls;
    const { sbp, dbp, map } = model.state.vitals;
    const has = online && sbp.value !== null && model.state.endedAt === null;
    setText(els.value, has ? `${fmtValue('sbp', sbp.value)}/${fmtValue('dbp', dbp.value)}` : DASH);
    setText(els.extra, has && map.value !== null && map.t === sbp.t ? `MAP ${fmtValue('map', map.value)}` : '');
    setText(els.baseline, sbp.baseline === null ? 'not set' : `${fmtValue('sbp', sbp.baseline)}/${fmtValue('dbp', dbp.baseline)}`);
    const dS = has && sbp.baseline !== null && sbp.value !== null ? fmtDelta('sbp', sbp.value - sbp.baseline) : DASH;
    const dD = has && dbp.baseline !== null && dbp.value !== null ? fmtDelta('dbp', dbp.value - dbp.baseline) : DASH;
    setText(els.delta, dS === DASH && dD === DASH ? DASH : `${dS}/${dD}`);
    const age = sbp.t === null ? null : now - sbp.t;
    let text: string;
    if (!online) text = 'offline — not live';
    else if (model.state.endedAt !== null) text = 'session ended';
    else if (age === null) text = 'no cuff reading yet';
    else text = `cuff ${fmtAge(age)}${age > CUFF_OVERDUE_MS ? ' — overdue' : ''}`;
    setText(els.age, text);
    els.root.classList.toggle('stale', online && age !== null && age > CUFF_OVERDUE_MS);
  }
}
