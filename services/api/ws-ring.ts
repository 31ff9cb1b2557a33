// A bounded buffer of the most recent messages, ordered by seq: what a reconnecting client may have missed.
// Fixed capacity, so a session's replay memory never grows with its length.

export interface Sequenced {
  readonly seq: number;
}

export class SeqRing<T extends Sequenced> {
  private readonly items: Array<T | undefined>;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('ring capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** seq of the oldest item held (undefined when empty) */
  get oldest(): number | undefined {
    return this.at(0)?.seq;
  }

  /** Appends an item (seqs must increase); returns the item it pushed out, if the ring was full. */
  push(item: T): T | undefined {
    const last = this.at(this.count - 1);
    if (last !== undefined && item.seq <= last.seq) throw new RangeError(`seq ${item.seq} after ${last.seq}`);
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** Every item with seq > since, oldest first. */
  after(since: number): T[] {
    const out: T[] = [];
    for (let i = this.firstAfter(since); i < this.count; i++) out.push(this.at(i) as T);
    return out;
  }

  get(seq: number): T | undefined {
    const i = this.firstAfter(seq - 1);
    const item = this.at(i);
    return item?.seq === seq ? item : undefined;
  }

  private at(i: number): T | undefined {
    return i < 0 || i >= this.count ? undefined : this.items[(this.start + i) % this.capacity];
  }

  /** index of the first item with seq > since (binary search: seqs increase, possibly with gaps) */
  private firstAfter(since: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.at(mid) as T).seq <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
