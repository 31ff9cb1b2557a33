// Collects one frame's samples and conditions. A special IEEE 11073 value yields no sample and the
// 'measurement-unavailable' condition: a failed reading is technical state, never a number.
import type { Ieee11073Number } from '../ieee11073.js';
import type { InputUnit, SampleMode, Vital } from '../../../services/core/types.js';
import { type DecodedSample, type DeviceReport, SENSOR_CONDITIONS, type SensorCondition } from '../../types.js';

export class ReportBuilder {
  readonly #samples: DecodedSample[] = [];
  readonly #conditions = new Set<SensorCondition>();
  #withheld = false;

  measured(vital: Vital, value: Ieee11073Number, unit: InputUnit, mode: SampleMode): this {
    if (value.kind === 'number') this.#samples.push({ vital, value: value.value, unit, mode });
    else this.#conditions.add('measurement-unavailable');
    return this;
  }

  sample(vital: Vital, value: number, unit: InputUnit, mode: SampleMode): this {
    this.#samples.push({ vital, value, unit, mode });
    return this;
  }

  condition(condition: SensorCondition): this {
    this.#conditions.add(condition);
    return this;
  }

  /** The frame's values must not be used (e.g. demonstration data): the report carries no samples. */
  withholdSamples(): this {
    this.#withheld = true;
    return this;
  }

  /**
   * `statesConditions`: whether the frame says anything about conditions at all. When it does, the report
   * lists every active one (possibly none), in SENSOR_CONDITIONS order so reports compare stably.
   */
  build(statesConditions: boolean): DeviceReport {
    const report: DeviceReport = { samples: this.#withheld ? [] : [...this.#samples] };
    if (statesConditions || this.#conditions.size > 0) {
      report.conditions = SENSOR_CONDITIONS.filter((c) => this.#conditions.has(c));
    }
    return report;
  }
}
