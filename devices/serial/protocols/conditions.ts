// Conditions in one fixed order (SENSOR_CONDITIONS), so equal reports compare equal.
import { SENSOR_CONDITIONS, type SensorCondition } from '../../types.js';

export function orderedConditions(active: ReadonlySet<SensorCondition>): SensorCondition[] {
  return SENSOR_CONDITIONS.filter((c) => active.has(c));
}
