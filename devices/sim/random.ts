// Seeded pseudo-random numbers for the simulator. sfc32 (small, fast, good statistical quality) seeded through an
// xmur3-style string hash. Only 32-bit integer arithmetic and Math.imul are used, so a seed gives the same
// sequence on every platform and Node version: recordings are reproducible from (scenario, seed).

/** Hashes a string into a stream of 32-bit seeds (xmur3). */
function seedStream(text: string): () => number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
}

export class Random {
  readonly label: string;
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** second Box–Muller value, kept so each pair of uniforms yields two gaussians */
  #spare: number | undefined;

  /** Same seed (number or label) → same sequence, always. */
  constructor(seed: number | string) {
    this.label = String(seed);
    const next = seedStream(this.label);
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // sfc32 needs a few rounds before weakly-mixed seeds stop showing through
    for (let i = 0; i < 15; i++) this.next();
  }

  /**
   * An independent stream named after this one. Each consumer (HR noise, cuff schedule, …) forks its own, so
   * drawing more numbers in one part of the model never shifts the numbers of another.
   */
  fork(name: string): Random {
    return new Random(`${this.label}/${name}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Normal distribution (Box–Muller). */
  gaussian(mean = 0, sd = 1): number {
    if (this.#spare !== undefined) {
      const z = this.#spare;
      this.#spare = undefined;
      return mean + sd * z;
    }
    const u1 = 1 - this.next(); // (0, 1]: log(0) must not happen
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.#spare = r * Math.sin(2 * Math.PI * u2);
    return mean + sd * r * Math.cos(2 * Math.PI * u2);
  }

  /** Standard normal clipped to ±limit: keeps the model's noise terms hard-bounded. */
  boundedGaussian(limit: number): number {
    return Math.max(-limit, Math.min(limit, this.gaussian()));
  }
}
