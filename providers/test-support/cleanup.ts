import { afterEach } from 'vitest';

/**
 * Registers an afterEach that closes everything handed to the returned function during a test
 * (servers, sessions), and returns that function, which gives back what it was handed.
 */
export function closedAfterEach(): <T extends { close(): Promise<void> }>(thing: T) => T {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((thing) => thing.close()));
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}
