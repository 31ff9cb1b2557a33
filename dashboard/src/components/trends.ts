// The four trend charts of a session, fed from its model: the trend, baselines, limits (when the rules list
// carries them), doses.
import { TrendChart, SESSION_SPAN_MS, type ChartOverlay, type ChartSpec, type HLine } from '../charts.js';
import { h } from '../dom.js';
import { fmtValue } from '../format.js';
import { limitLevel, OP_TEXT, ruleLimits } from '../limits.js';
import type { SessionModel } from '../state.js';
import type { Vital } from '../types.js';

const SPECS: ChartSpec[] = [
  { testid: 'trend-hr', title: 'Heart rate', unit: '/min', series: [{ vital: 'hr', label: 'HR', color: '#4ade80' }], soft: [40, 140] },
  { testid: 'trend-spo2', title: 'SpO₂', unit: '%', series: [{ vital: 'spo2', label: 'SpO₂', color: '#7dd3fc' }], soft: [88, 100] },
  {
    testid: 'trend-bp',
    title: 'Blood pressure',
    unit: 'mmHg',
    series: [
      { vital: 'sbp', label: 'systolic', color: '#f472b6' },
      { vital: 'dbp', label: 'diastolic', color: '#f9a8d4' },
      { vital: 'map', label: 'mean', color: '#c4b5fd' },
    ],
    soft: [50, 190],
    spot: true,
  },
  { testid: 'trend-temp', title: 'Temperature', unit: '°C', series: [{ vital: 'temp', label: 'temp', color: '#fdba74' }], soft: [35.5, 40.5], gapMs: 6 * 60_000 },
];

export class TrendPanel {
  readonly el: HTMLElement;
  private readonly charts: Array<{ chart: TrendChart; vitals: Vital[] }>;

  constructor() {
    this.charts = SPECS.map((spec) => ({ chart: new TrendChart(spec), vitals: spec.series.map((s) => s.vital) }));
    this.el = h('div', { class: 'trends' }, ...this.charts.map((c) => c.chart.el));
  }

  destroy(): void {
    for (const { chart } of this.charts) chart.destroy();
  }

  update(model: SessionModel, now: number): void {
    const state = model.state;
    const start = state.startedAt ?? model.trend.firstT() ?? now;
    const from = now - start > SESSION_SPAN_MS ? now - SESSION_SPAN_MS : start;
    const to = from + SESSION_SPAN_MS;
    const doses = state.doses.map((d) => ({ t: d.t, supplemental: d.event === 'supplemental-dose', label: `${d.event === 'dose' ? 'dose' : 'suppl.'}${d.mg === undefined ? '' : ` ${d.mg} mg`}` }));
    const limitsFor = (vitals: Vital[]): HLine[] => {
      const lines: HLine[] = [];
      for (const rule of model.allRules()) {
        if (state.disabledRules.some((r) => r.rule === rule.id)) continue;
        for (const limit of ruleLimits(rule)) {
          if (!vitals.includes(limit.vital)) continue;
          const level = limitLevel(limit, state.vitals[limit.vital].baseline);
          if (level === null) continue;
          const name = vitals.length > 1 ? `${limit.vital.toUpperCase()} ` : '';
          lines.push({ value: level, priority: limit.priority, label: `${name}${OP_TEXT[limit.op]} ${fmtValue(limit.vital, level)} (${rule.id})` });
        }
      }
      return lines;
    };
    for (const { chart, vitals } of this.charts) {
      const baselines: HLine[] = [];
      for (const vital of vitals) {
        if (vital === 'map') continue;
        const baseline = state.vitals[vital].baseline;
        if (baseline !== null) baselines.push({ value: baseline, label: `baseline${vitals.length > 1 ? ` ${vital.toUpperCase()}` : ''} ${fmtValue(vital, baseline)}` });
      }
      const overlay: ChartOverlay = { from, to, now, baselines, limits: limitsFor(vitals), doses };
      chart.update(model.trend, overlay);
    }
  }
}
