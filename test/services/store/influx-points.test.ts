// The pure parts of the InfluxDB writer: the line → point schema and the bounded queue.
import { describe, expect, it } from 'vitest';
import type { RecordingLine } from '../../../services/core/types.js';
import { toPoint } from '../../../services/store/influx-points.js';
import { BoundedQueue } from '../../../services/store/influx-queue.js';

const T0 = 1767225600000;

describe('toPoint', () => {
  it('maps a sample to vitals in its canonical unit, the device as a tag', () => {
    expect(toPoint('s-1', { type: 'sample', t: T0, vital: 'dbp', value: 10, unit: 'kPa', device: 'cuff-1', mode: 'spot' })).toEqual({
      measurement: 'vitals',
      tags: { session: 's-1', vital: 'dbp', unit: 'mm[Hg]', device: 'cuff-1' },
      fields: { value: (10 * 760) / 101.325 },
      timestamp: T0,
    });
  });

  it('leaves out what InfluxDB would refuse: non-finite values and times, foreign units, empty tags', () => {
    const bad: RecordingLine[] = [
      { type: 'sample', t: T0, vital: 'hr', value: Number.NaN, unit: '/min' },
      { type: 'sample', t: T0, vital: 'hr', value: Number.POSITIVE_INFINITY, unit: '/min' },
      { type: 'sample', t: Number.NaN, vital: 'hr', value: 70, unit: '/min' },
      { type: 'sample', t: T0, vital: 'hr', value: 70, unit: 'Cel' },
      { type: 'alarm', t: T0, rule: '', vital: 'hr', priority: 'high', state: 'raised' },
    ];
    for (const line of bad) expect(toPoint('s-1', line)).toBeNull();
    expect(toPoint('', { type: 'sample', t: T0, vital: 'hr', value: 70, unit: '/min' })).toBeNull();
    expect(toPoint('s-1', { type: 'sample', t: T0, vital: 'hr', value: 70, unit: '/min', device: '' })?.tags).toEqual({ session: 's-1', vital: 'hr', unit: '/min' });
    expect(toPoint('s-1', { type: 'alarm', t: T0, rule: 'r', vital: 'hr', priority: 'low', state: 'raised', value: Number.NaN })?.fields).toEqual({ id: '' });
  });

  it('writes whole milliseconds', () => {
    expect(toPoint('s-1', { type: 'sample', t: T0 + 0.6, vital: 'hr', value: 70, unit: '/min' })?.timestamp).toBe(T0 + 1);
  });

  it('never carries the header, note text or who acted', () => {
    expect(toPoint('s-1', { type: 'header', format: 'vigil-recording', version: 1, session: { id: 's-1', patient: 'P-017' } })).toBeNull();
    const note = toPoint('s-1', { type: 'event', t: T0, event: 'note', text: 'P-017 says hi', by: 'u-1' });
    expect(note).toEqual({ measurement: 'events', tags: { session: 's-1', event: 'note' }, fields: { kind: 'note' }, timestamp: T0 });
    const ack = toPoint('s-1', { type: 'alarm', t: T0, rule: 'r', id: 'r#1', vital: 'hr', priority: 'high', state: 'acknowledged', by: 'u-1' });
    expect(JSON.stringify(ack)).not.toContain('u-1');
  });
});

describe('BoundedQueue', () => {
  it('keeps order and drops the oldest when full', () => {
    const q = new BoundedQueue<number>(3);
    expect([q.push(1), q.push(2), q.push(3)]).toEqual([undefined, undefined, undefined]);
    expect(q.push(4)).toBe(1);
    expect(q.take(10)).toEqual([2, 3, 4]);
    expect(q.length).toBe(0);
  });

  it('grows past its first allocation up to the bound', () => {
    const q = new BoundedQueue<number>(5000);
    for (let i = 0; i < 6000; i++) q.push(i);
    expect(q.length).toBe(5000);
    expect(q.take(3)).toEqual([1000, 1001, 1002]);
  });

  it('puts a failed batch back in front and returns what no longer fits', () => {
    const q = new BoundedQueue<number>(4);
    [1, 2, 3, 4].forEach((n) => q.push(n));
    const batch = q.take(2); // 1, 2 in flight
    q.push(5);
    q.push(6); // full again: 3 4 5 6
    expect(q.putBack(batch)).toEqual([1, 2]);
    expect(q.take(4)).toEqual([3, 4, 5, 6]);
    q.push(7);
    expect(q.putBack([8, 9])).toEqual([]);
    expect(q.take(4)).toEqual([8, 9, 7]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
    expect(() => new BoundedQueue(1.5)).toThrow(RangeError);
  });
});
