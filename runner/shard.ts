import { UsageError } from './usage.js';

/**
 * One of `count` shards of a suite (`--shard index/count`, 1-based), for splitting a run across
 * CI jobs. Shard i takes the tasks at 0-based positions k of the canonical task list (scenario
 * file, then seed) with k mod count = i − 1: round-robin, so consecutive seeds of one scenario and
 * neighbouring (often similar) scenarios spread over the shards. Every shard loads and validates
 * the whole suite, so all shards agree on the list and bad input fails every shard alike.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The tasks of `shard` (all of them without one), in their canonical order. */
export function shardTasks<T>(tasks: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return [...tasks];
  return tasks.filter((_, k) => k % shard.count === shard.index - 1);
}

/** Parses `--shard i/n` (1 ≤ i ≤ n); a UsageError (one line, exit 2) otherwise. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new UsageError(`--shard expects i/n with 1 ≤ i ≤ n, like 2/3, got "${text}"`);
  }
  return { index, count };
}
