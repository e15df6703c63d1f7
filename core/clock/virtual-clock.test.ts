import { describe, it, expect } from 'vitest';
import { VirtualClock } from './virtual-clock.js';
import { sleep } from './clock.js';

describe('VirtualClock', () => {
  it('starts at 0 with no timers', () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runUntil fires due timers in time order (ties in scheduling order) and stops at the target', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`b1@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`b2@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`late@${clock.now()}`), 31);

    await clock.runUntil(30);
    expect(log).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.now()).toBe(30);
    expect(clock.pendingTimers()).toBe(1);

    await clock.runUntil(30.0); // no-op: same time
    expect(log).toHaveLength(4);

    await clock.runUntil(100);
    expect(log).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30', 'late@31']);
    expect(clock.now()).toBe(100);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runUntil leaves now() at the target even with no timers', async () => {
    const clock = new VirtualClock();
    await clock.runUntil(1234);
    expect(clock.now()).toBe(1234);
  });

  it('fires timers scheduled during the run when they fall within the target', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      log.push(`outer@${clock.now()}`);
      clock.setTimeout(() => log.push(`inner@${clock.now()}`), 5);
      clock.setTimeout(() => log.push(`beyond@${clock.now()}`), 50);
    }, 10);
    await clock.runUntil(20);
    expect(log).toEqual(['outer@10', 'inner@15']);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('advance moves relative to now', async () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.setTimeout(() => log.push(clock.now()), 15);
    await clock.advance(10);
    expect(clock.now()).toBe(10);
    expect(log).toEqual([]);
    await clock.advance(10);
    expect(clock.now()).toBe(20);
    expect(log).toEqual([15]);
  });

  it('runUntil backwards rejects with a RangeError and leaves the clock alone', async () => {
    const clock = new VirtualClock();
    await clock.runUntil(50);
    await expect(clock.runUntil(49)).rejects.toThrow(RangeError);
    await expect(clock.runUntil(10)).rejects.toThrow('cannot run the clock back from 50 ms to 10 ms');
    expect(clock.now()).toBe(50);
  });

  it('clearTimeout cancels; unknown or fired handles are ignored', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const a = clock.setTimeout(() => log.push('a'), 10);
    const b = clock.setTimeout(() => log.push('b'), 20);
    clock.clearTimeout(a);
    expect(clock.pendingTimers()).toBe(1);
    await clock.runUntil(30);
    expect(log).toEqual(['b']);
    expect(() => clock.clearTimeout(b)).not.toThrow();
    expect(() => clock.clearTimeout(a)).not.toThrow();
  });

  it('rounds delays to whole milliseconds (1 ms resolution) and clamps negatives to 0', async () => {
    const clock = new VirtualClock();
    const fired: [string, number][] = [];
    const at = (name: string, delay: number): void => {
      clock.setTimeout(() => fired.push([name, clock.now()]), delay);
    };
    at('2.4', 2.4);
    at('2.5', 2.5);
    at('0.4', 0.4);
    at('-7', -7);
    at('9.999', 9.999);
    await clock.runUntilIdle();
    expect(fired).toEqual([
      ['0.4', 0],
      ['-7', 0],
      ['2.4', 2],
      ['2.5', 3],
      ['9.999', 10],
    ]);
    // Every time read is a whole millisecond.
    for (const [, t] of fired) expect(Number.isInteger(t)).toBe(true);
  });

  it('a zero delay set while timers are running fires 1 ms later (as documented)', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => {
      log.push(`outer@${clock.now()}`);
      clock.setTimeout(() => log.push(`zero@${clock.now()}`), 0);
    }, 5);
    await clock.runUntilIdle();
    expect(log).toEqual(['outer@5', 'zero@6']);
  });

  it('runUntilIdle fires everything, including timers scheduled along the way, and returns the time', async () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    let n = 0;
    const tick = (): void => {
      log.push(clock.now());
      if (++n < 5) clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    const end = await clock.runUntilIdle();
    expect(end).toBe(500);
    expect(clock.now()).toBe(500);
    expect(log).toEqual([100, 200, 300, 400, 500]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runUntilIdle with nothing scheduled returns now', async () => {
    const clock = new VirtualClock();
    await clock.runUntil(42);
    expect(await clock.runUntilIdle()).toBe(42);
  });

  it('runUntilIdle throws when something reschedules forever (loopLimit)', async () => {
    const clock = new VirtualClock({ loopLimit: 50 });
    const forever = (): void => {
      clock.setTimeout(forever, 1);
    };
    clock.setTimeout(forever, 1);
    await expect(clock.runUntilIdle()).rejects.toThrow();
  });

  it('settles promise continuations after each timer, before the next one fires', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 10);
        log.push(`loop${i}@${clock.now()}`);
        // A second hop through a resolved promise: still settles before the next timer.
        await Promise.resolve();
        log.push(`loop${i}b@${clock.now()}`);
      }
    };
    const done = loop(); // schedules its first sleep (t=10) before the timers below
    clock.setTimeout(() => log.push(`timer@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`timer@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`timer@${clock.now()}`), 25);
    await clock.runUntil(40);
    await done;
    expect(log).toEqual([
      'loop0@10',
      'loop0b@10',
      'timer@10',
      // The timer at 20 was scheduled at t=0, before the loop's second sleep (scheduled at t=10).
      'timer@20',
      'loop1@20',
      'loop1b@20',
      'timer@25',
      'loop2@30',
      'loop2b@30',
    ]);
    expect(clock.now()).toBe(40);
  });

  it('a continuation scheduling a timer due before the next one is honoured in time order', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    void (async () => {
      await sleep(clock, 10);
      log.push(`woke@${clock.now()}`);
      await sleep(clock, 3);
      log.push(`woke again@${clock.now()}`);
    })();
    clock.setTimeout(() => log.push(`other@${clock.now()}`), 12);
    await clock.runUntilIdle();
    expect(log).toEqual(['woke@10', 'other@12', 'woke again@13']);
  });
});

describe('sleep', () => {
  it('resolves after the delay on the clock', async () => {
    const clock = new VirtualClock();
    let resolvedAt: number | undefined;
    void sleep(clock, 250).then(() => {
      resolvedAt = clock.now();
    });
    await clock.runUntil(249);
    expect(resolvedAt).toBeUndefined();
    await clock.runUntil(300);
    expect(resolvedAt).toBe(250);
  });

  it('rejects with the signal reason when aborted and clears its timer', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const reason = new Error('stop it');
    const p = sleep(clock, 100, controller.signal);
    expect(clock.pendingTimers()).toBe(1);
    await clock.runUntil(40);
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
    expect(clock.now()).toBe(40);
  });

  it('rejects with an AbortError DOMException by default', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const p = sleep(clock, 100, controller.signal);
    controller.abort();
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects at once without scheduling when the signal is already aborted', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    controller.abort('gone');
    await expect(sleep(clock, 100, controller.signal)).rejects.toBe('gone');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('aborting after it resolved does nothing (listener removed)', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    let aborts = 0;
    const p = sleep(clock, 10, controller.signal);
    await clock.runUntil(10);
    await expect(p).resolves.toBeUndefined();
    controller.signal.addEventListener('abort', () => aborts++);
    controller.abort();
    expect(aborts).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('an aborted sleep does not wake a loop', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const log: string[] = [];
    const task = (async () => {
      try {
        await sleep(clock, 10, controller.signal);
        log.push('woke 1');
        await sleep(clock, 10, controller.signal);
        log.push('woke 2');
      } catch {
        log.push(`aborted@${clock.now()}`);
      }
    })();
    clock.setTimeout(() => controller.abort(), 15);
    await clock.runUntil(100);
    await task;
    expect(log).toEqual(['woke 1', 'aborted@15']);
    expect(clock.pendingTimers()).toBe(0);
  });
});
