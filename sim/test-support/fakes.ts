import type { Random } from '../../core/random/random.js';

/**
 * A `Random` that returns scripted values, for tests that need exact draws: `uniform`, `normal`
 * and `float` return the next value as is (so a `{ kind: 'uniform' }` distribution draws exactly
 * that value); `chance` is true when the next value is below `p`. Throws when the script runs out.
 */
export function scriptedRandom(values: readonly number[]): Random & { readonly drawn: number } {
  let next = 0;
  const take = (): number => {
    const value = values[next];
    if (value === undefined) throw new RangeError(`scriptedRandom: only ${values.length} values were scripted`);
    next++;
    return value;
  };
  return {
    get drawn() {
      return next;
    },
    float: take,
    uniform: () => take(),
    normal: () => take(),
    int: () => take(),
    chance: (p) => take() < p,
    pick: <T>(items: readonly T[]): T => items[take()]!,
  };
}
