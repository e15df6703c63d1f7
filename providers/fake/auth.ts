/**
 * Identifiers and credential checks shared by the fake servers. Identifiers are counters shaped
 * like the real ones (UUIDs), never random, so runs repeat exactly.
 *
 * @module
 */

/** A UUID-shaped identifier for number `n` of kind `kind` (0–15). */
export function fakeUuid(kind: number, n: number): string {
  return `00000000-0000-4${kind.toString(16)}00-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * Whether `presented` is an acceptable key: any non-empty key when the fake was given none,
 * else exactly that key.
 */
export function keyAccepted(presented: string | undefined, expected: string | undefined): boolean {
  if (presented === undefined || presented.trim() === '') return false;
  return expected === undefined || presented === expected;
}
