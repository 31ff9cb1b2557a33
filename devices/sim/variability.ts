// Beat-to-beat variability added to the model's mean values. Every term is hard-bounded so a scenario can be
// shown to stay inside (or cross decisively) an alarm threshold whatever the seed.
import type { Random } from './random.js';

export interface Ar1Options {
  /** time constant of the mean reversion, in steps */
  tauSteps: number;
  /** stationary standard deviation */
  sd: number;
  /** hard bound: the state never leaves [-limit, +limit] */
  limit: number;
}

/**
 * Mean-reverting random walk x ← φ·x + σ·ε (AR(1)), φ = e^(−1/τ). Left alone it wanders about ±sd around
 * zero and forgets its past within a few τ; the clamp makes the worst case a proof, not a probability.
 */
export class BoundedAr1 {
  #x = 0;
  readonly #phi: number;
  readonly #sigma: number;
  readonly #limit: number;

  constructor(
    private readonly rng: Random,
    options: Ar1Options,
  ) {
    this.#phi = Math.exp(-1 / options.tauSteps);
    this.#sigma = options.sd * Math.sqrt(1 - this.#phi * this.#phi);
    this.#limit = options.limit;
    this.#x = Math.max(-this.#limit, Math.min(this.#limit, options.sd * rng.boundedGaussian(3)));
  }

  step(): number {
    const next = this.#phi * this.#x + this.#sigma * this.rng.boundedGaussian(3);
    this.#x = Math.max(-this.#limit, Math.min(this.#limit, next));
    return this.#x;
  }
}

export interface RsaOptions {
  /** peak deviation at rest, /min */
  amplitude: number;
  /** breathing frequency, Hz (0.25 Hz = 15 breaths/min) */
  frequencyHz: number;
}

/**
 * Respiratory sinus arrhythmia: HR rises on inspiration and falls on expiration. Breathing is not a metronome,
 * so the rate wanders ±10 % breath to breath; the amplitude is scaled down by the caller as sympathetic drive
 * rises (MDMA lowers vagal tone, so HRV shrinks at the peak).
 */
export class RespiratoryArrhythmia {
  #phase: number;
  readonly #rate: BoundedAr1;

  constructor(
    rng: Random,
    private readonly options: RsaOptions,
  ) {
    this.#phase = rng.uniform(0, 2 * Math.PI);
    this.#rate = new BoundedAr1(rng, { tauSteps: 20, sd: 0.05, limit: 0.1 });
  }

  /** Advances one step of `dtS` seconds; returns the deviation, |value| ≤ amplitude·scale. */
  step(dtS: number, scale: number): number {
    this.#phase += 2 * Math.PI * this.options.frequencyHz * (1 + this.#rate.step()) * dtS;
    if (this.#phase > 2 * Math.PI) this.#phase -= 2 * Math.PI;
    return this.options.amplitude * scale * Math.sin(this.#phase);
  }
}
