/** A duration in ms: fixed, or drawn anew each time (e.g. from a seeded distribution). */
export type Delay = number | (() => number);

/** The value of a {@link Delay}, never negative. */
export function delayMs(delay: Delay): number {
  return Math.max(0, typeof delay === 'function' ? delay() : delay);
}
