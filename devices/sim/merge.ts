// Merges time-ordered streams into one time-ordered stream, lazily (an 8-hour session is never held in memory).
// Ties go to the earlier source, so the caller's source order decides e.g. "session-start before devices".

export function* mergeByTime<T extends { t: number }>(sources: readonly Iterable<T>[]): Generator<T> {
  const iterators = sources.map((source) => source[Symbol.iterator]());
  const heads: (T | undefined)[] = iterators.map((it) => {
    const first = it.next();
    return first.done === true ? undefined : first.value;
  });
  for (;;) {
    // a handful of sources: a linear scan beats a heap here
    let best = -1;
    let bestT = Infinity;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head !== undefined && head.t < bestT) {
        best = i;
        bestT = head.t;
      }
    }
    const iterator = iterators[best];
    const line = heads[best];
    if (iterator === undefined || line === undefined) return;
    const next = iterator.next();
    if (next.done !== true && next.value.t < line.t) {
      throw new Error(`source ${best} went back in time: ${next.value.t} after ${line.t}`);
    }
    heads[best] = next.done === true ? undefined : next.value;
    yield line;
  }
}
