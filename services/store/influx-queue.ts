// A bounded FIFO of points waiting for InfluxDB. When full, the oldest point makes room for the newest: the
// writer remembers what was dropped and backfills it from the journal, while the newest points are the ones
// a dashboard or Grafana wants first. O(1) push and drop; memory never exceeds the bound.
export class BoundedQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    // Grown on demand (doubling up to the bound), so an idle writer does not reserve the whole bound.
    this.items = new Array<T | undefined>(Math.min(capacity, 1024));
  }

  get length(): number {
    return this.size;
  }

  /** Appends `item`; returns the oldest item it displaced when the queue was full, else undefined. */
  push(item: T): T | undefined {
    let dropped: T | undefined;
    if (this.size === this.capacity) dropped = this.shift();
    else if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) % this.items.length] = item;
    this.size++;
    return dropped;
  }

  /** Removes and returns up to `n` of the oldest items, oldest first. */
  take(n: number): T[] {
    const count = Math.min(n, this.size);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = this.shift() as T;
    return out;
  }

  /**
   * Puts `items` (taken earlier, oldest first) back in front of everything queued. Returns the oldest items that
   * no longer fit under the bound (which may include some of `items`), oldest first.
   */
  putBack(items: readonly T[]): T[] {
    const kept = this.take(this.size);
    const all = items.concat(kept);
    const overflow = all.length > this.capacity ? all.slice(0, all.length - this.capacity) : [];
    for (let i = overflow.length; i < all.length; i++) this.push(all[i] as T);
    return overflow;
  }

  private shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // let the point be collected
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return item;
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.min(this.capacity, this.items.length * 2));
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
