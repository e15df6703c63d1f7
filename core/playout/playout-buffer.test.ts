import { describe, it, expect } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import type { AudioChunk } from '../audio/chunk.js';
import { PlayoutBuffer, type PlayoutEvent } from './playout-buffer.js';
import type { CharTimings } from './heard-text.js';

/** A symbolic chunk of `ms` milliseconds at 16 kHz. */
const chunk = (ms: number): AudioChunk => ({ sampleRate: 16_000, samples: ms * 16 });

/** Events without the chunk object, with their clock time. */
type Logged = { t: number } & Record<string, unknown>;

async function setup(startAt = 0, options = {}) {
  const clock = new VirtualClock();
  await clock.runUntil(startAt);
  const pb = new PlayoutBuffer(clock, options);
  const log: Logged[] = [];
  const chunks: AudioChunk[] = [];
  pb.subscribe((event: PlayoutEvent) => {
    if (event.type === 'chunk') {
      chunks.push(event.chunk);
      const { chunk: _chunk, ...rest } = event;
      log.push({ t: clock.now(), ...rest });
    } else {
      log.push({ t: clock.now(), ...event });
    }
  });
  const at = async (t: number, action?: () => void): Promise<void> => {
    await clock.runUntil(t);
    action?.();
  };
  return { clock, pb, log, chunks, at };
}

/** Even character timings for `text`, `msPerChar` each, from `fromMs` into the chunk. */
function timings(text: string, msPerChar: number, fromMs = 0): CharTimings {
  const chars = [...text];
  return {
    chars,
    charStartMs: chars.map((_, i) => fromMs + i * msPerChar),
    charDurationMs: chars.map(() => msPerChar),
  };
}

describe('PlayoutBuffer', () => {
  it('plays queued chunks back to back in real time, then drains', async () => {
    const { clock, pb, log, chunks, at } = await setup(100);
    pb.begin(1);
    expect(pb.speech).toBe(1);
    expect(pb.active).toBe(true);
    expect(pb.playing).toBe(false);
    pb.addSegment(1, 'Hello there.');
    const first = chunk(200);
    const second = chunk(300);
    pb.enqueue(1, first);
    pb.enqueue(1, second);
    pb.completeSegment(1);
    pb.endInput();
    expect(pb.playing).toBe(true);
    await at(250);
    expect(pb.playedMs()).toBe(150);
    await clock.runUntil(2000);
    expect(log).toEqual([
      { t: 100, type: 'start', speech: 1, resumed: false },
      { t: 100, type: 'chunk', speech: 1, offsetMs: 0, atMs: 100 },
      { t: 300, type: 'chunk', speech: 1, offsetMs: 0, atMs: 300 },
      { t: 600, type: 'stop', speech: 1, cause: 'drained', playedMs: 500 },
      { t: 600, type: 'end', speech: 1, cause: 'drained', playedMs: 500, heardText: 'Hello there.' },
    ]);
    expect(chunks[0]).toBe(first);
    expect(chunks[1]).toBe(second);
    expect(pb.active).toBe(false);
    expect(pb.playing).toBe(false);
    expect(pb.playedMs()).toBe(500);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('chains chunks at exact times, without drift from the clock’s 1 ms timers', async () => {
    const { clock, pb, log } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'x');
    // 321 samples at 16 kHz: 20.0625 ms each.
    for (let i = 0; i < 10; i++) pb.enqueue(1, { sampleRate: 16_000, samples: 321 });
    pb.completeSegment(1);
    pb.endInput();
    await clock.runUntil(1000);
    const atMs = log.filter((e) => e.type === 'chunk').map((e) => e.atMs);
    expect(atMs).toEqual(Array.from({ length: 10 }, (_, i) => i * 20.0625));
    expect(log.filter((e) => e.type === 'start')).toHaveLength(1);
    const end = log.find((e) => e.type === 'end');
    expect(end).toMatchObject({ t: 201, playedMs: 200.625 });
  });

  it('never reports a negative offset when paused just before a chained chunk starts', async () => {
    // Regression: chunks of 20.4 ms (102 samples at 5 kHz). The first one's end timer fires at 20
    // (rounded), and the next chunk is chained at exactly 20.4. Paused at 20, the buffer used to
    // store an offset of −0.4 ms, report 20 ms played and resume the chunk from offsetMs −0.4.
    const { clock, pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'a b');
    pb.enqueue(1, { sampleRate: 5000, samples: 102 });
    pb.enqueue(1, { sampleRate: 5000, samples: 102 });
    await at(20);
    expect(pb.playedMs()).toBe(20.4);
    pb.pause();
    await at(100, () => pb.resume());
    await clock.runUntil(1000);
    expect(log).toEqual([
      { t: 0, type: 'start', speech: 1, resumed: false },
      { t: 0, type: 'chunk', speech: 1, offsetMs: 0, atMs: 0 },
      { t: 20, type: 'chunk', speech: 1, offsetMs: 0, atMs: 20.4 },
      { t: 20, type: 'stop', speech: 1, cause: 'paused', playedMs: 20.4 },
      { t: 100, type: 'start', speech: 1, resumed: true },
      { t: 100, type: 'chunk', speech: 1, offsetMs: 0, atMs: 100 },
      { t: 120, type: 'stop', speech: 1, cause: 'underrun', playedMs: 40.8 },
    ]);
  });

  it('starts again with resumed: true after an underrun, and drains when the input ends', async () => {
    const { clock, pb, log, at } = await setup(0);
    pb.begin(3);
    pb.addSegment(1, 'Hi.');
    pb.enqueue(1, chunk(200));
    await at(500, () => pb.enqueue(1, chunk(100)));
    await at(700, () => {
      pb.completeSegment(1);
      expect(pb.active).toBe(true); // input not ended yet
      pb.endInput();
    });
    await clock.runUntil(2000);
    expect(log).toEqual([
      { t: 0, type: 'start', speech: 3, resumed: false },
      { t: 0, type: 'chunk', speech: 3, offsetMs: 0, atMs: 0 },
      { t: 200, type: 'stop', speech: 3, cause: 'underrun', playedMs: 200 },
      { t: 500, type: 'start', speech: 3, resumed: true },
      { t: 500, type: 'chunk', speech: 3, offsetMs: 0, atMs: 500 },
      { t: 600, type: 'stop', speech: 3, cause: 'underrun', playedMs: 300 },
      { t: 700, type: 'end', speech: 3, cause: 'drained', playedMs: 300, heardText: 'Hi.' },
    ]);
  });

  it('drains only when the input has ended and every segment is complete', async () => {
    const { clock, pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'One.');
    pb.addSegment(2, 'Two.');
    pb.enqueue(1, chunk(100));
    pb.completeSegment(1);
    pb.enqueue(2, chunk(100));
    pb.endInput(); // segment 2 is still incomplete
    await clock.runUntil(1000);
    expect(log.map((e) => [e.t, e.type, e.cause])).toEqual([
      [0, 'start', undefined],
      [0, 'chunk', undefined],
      [100, 'chunk', undefined],
      [200, 'stop', 'underrun'],
    ]);
    await at(1100, () => pb.completeSegment(2));
    expect(log.slice(4)).toEqual([{ t: 1100, type: 'end', speech: 1, cause: 'drained', playedMs: 200, heardText: 'One. Two.' }]);
  });

  it('ends a speech with no audio at once when its input ends', async () => {
    const { pb, log } = await setup(50);
    pb.begin(1);
    pb.endInput();
    expect(log).toEqual([{ t: 50, type: 'end', speech: 1, cause: 'drained', playedMs: 0, heardText: '' }]);
  });

  it('pauses and resumes keeping the offset into the chunk', async () => {
    const { clock, pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'one two three four');
    pb.enqueue(1, chunk(1000));
    pb.completeSegment(1);
    pb.endInput();
    let paused: boolean | undefined;
    await at(300, () => {
      paused = pb.pause();
    });
    expect(paused).toBe(true);
    expect(pb.paused).toBe(true);
    expect(pb.playing).toBe(false);
    expect(pb.pause()).toBe(false); // already paused
    await at(800);
    expect(pb.playedMs()).toBe(300);
    pb.resume();
    expect(pb.playing).toBe(true);
    await at(1000);
    expect(pb.playedMs()).toBe(500);
    await clock.runUntil(5000);
    expect(log).toEqual([
      { t: 0, type: 'start', speech: 1, resumed: false },
      { t: 0, type: 'chunk', speech: 1, offsetMs: 0, atMs: 0 },
      { t: 300, type: 'stop', speech: 1, cause: 'paused', playedMs: 300 },
      { t: 800, type: 'start', speech: 1, resumed: true },
      { t: 800, type: 'chunk', speech: 1, offsetMs: 300, atMs: 800 },
      { t: 1500, type: 'stop', speech: 1, cause: 'drained', playedMs: 1000 },
      { t: 1500, type: 'end', speech: 1, cause: 'drained', playedMs: 1000, heardText: 'one two three four' },
    ]);
  });

  it('pausing twice keeps the first offset', async () => {
    const { clock, pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'x');
    pb.enqueue(1, chunk(1000));
    await at(100, () => pb.pause());
    await at(200, () => pb.resume());
    await at(450, () => pb.pause());
    expect(pb.playedMs()).toBe(350);
    await at(900, () => pb.resume());
    await clock.runUntil(5000);
    expect(log.filter((e) => e.type === 'chunk')).toEqual([
      { t: 0, type: 'chunk', speech: 1, offsetMs: 0, atMs: 0 },
      { t: 200, type: 'chunk', speech: 1, offsetMs: 100, atMs: 200 },
      { t: 900, type: 'chunk', speech: 1, offsetMs: 350, atMs: 900 },
    ]);
    expect(log.at(-1)).toEqual({ t: 1550, type: 'stop', speech: 1, cause: 'underrun', playedMs: 1000 });
  });

  it('holds audio that arrives while paused, and reports no pause when nothing was playing', async () => {
    const { clock, pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'Hello.');
    expect(pb.pause()).toBe(false); // nothing playing yet: no stop event
    expect(pb.paused).toBe(true);
    pb.enqueue(1, chunk(200));
    expect(pb.playing).toBe(false);
    await at(300, () => pb.resume());
    pb.completeSegment(1);
    pb.endInput();
    await clock.runUntil(1000);
    expect(log).toEqual([
      // Nothing had played before, so this is the first start.
      { t: 300, type: 'start', speech: 1, resumed: false },
      { t: 300, type: 'chunk', speech: 1, offsetMs: 0, atMs: 300 },
      { t: 500, type: 'stop', speech: 1, cause: 'drained', playedMs: 200 },
      { t: 500, type: 'end', speech: 1, cause: 'drained', playedMs: 200, heardText: 'Hello.' },
    ]);
  });

  it('a resume with all input played drains', async () => {
    const { pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'Hi.');
    pb.enqueue(1, chunk(100));
    await at(200, () => pb.pause()); // after the underrun: nothing playing
    pb.completeSegment(1);
    pb.endInput(); // paused: not drained yet
    expect(log.map((e) => e.type)).toEqual(['start', 'chunk', 'stop']);
    await at(300, () => pb.resume());
    expect(log.slice(3)).toEqual([{ t: 300, type: 'end', speech: 1, cause: 'drained', playedMs: 100, heardText: 'Hi.' }]);
  });

  it('stop() mid-chunk reports what was played and heard, and nothing follows it', async () => {
    const { clock, pb, log, at } = await setup(0);
    pb.begin(2);
    pb.addSegment(1, 'one two three four');
    pb.enqueue(1, chunk(1000));
    pb.enqueue(1, chunk(500));
    pb.completeSegment(1);
    let result: { playedMs: number; heardText: string } | undefined;
    await at(500, () => {
      result = pb.stop('interrupted');
    });
    // 18 characters over 1500 ms; 500 ms played → 6 characters: "one tw" → the whole word "one".
    expect(result).toEqual({ playedMs: 500, heardText: 'one' });
    expect(pb.active).toBe(false);
    expect(pb.playing).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
    // Later input is ignored.
    pb.addSegment(2, 'more');
    pb.enqueue(1, chunk(100));
    pb.enqueue(99, chunk(100));
    pb.completeSegment(1);
    pb.endInput();
    expect(pb.pause()).toBe(false);
    pb.resume();
    await clock.runUntil(5000);
    expect(log).toEqual([
      { t: 0, type: 'start', speech: 2, resumed: false },
      { t: 0, type: 'chunk', speech: 2, offsetMs: 0, atMs: 0 },
      { t: 500, type: 'stop', speech: 2, cause: 'interrupted', playedMs: 500 },
      { t: 500, type: 'end', speech: 2, cause: 'interrupted', playedMs: 500, heardText: 'one' },
    ]);
    // A second stop changes nothing and reports the same.
    expect(pb.stop('closed')).toEqual({ playedMs: 500, heardText: 'one' });
    expect(log).toHaveLength(4);
    expect(pb.playedMs()).toBe(500);
    expect(pb.heardText()).toBe('one');
  });

  it('stop() while paused sends only the end', async () => {
    const { pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'Hello there, how are you?');
    pb.enqueue(1, chunk(1000));
    await at(400, () => pb.pause());
    await at(900, () => pb.stop('closed'));
    expect(log.slice(2)).toEqual([
      { t: 400, type: 'stop', speech: 1, cause: 'paused', playedMs: 400 },
      // Incomplete segment: estimated at 65 ms a character, 25 characters → 1625 ms; 400 ms → 6 characters.
      { t: 900, type: 'end', speech: 1, cause: 'closed', playedMs: 400, heardText: 'Hello' },
    ]);
  });

  it('begin() of a new speech interrupts the open one', async () => {
    const { clock, pb, log, at } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'First answer.');
    pb.enqueue(1, chunk(1000));
    await at(400, () => {
      pb.begin(2);
      expect(pb.speech).toBe(2);
      expect(pb.active).toBe(true);
      expect(pb.playing).toBe(false);
      expect(pb.playedMs()).toBe(0);
      expect(pb.heardText()).toBe('');
      expect(pb.fullText()).toBe('');
      pb.addSegment(1, 'Second.');
      pb.enqueue(1, chunk(100));
      pb.completeSegment(1);
      pb.endInput();
    });
    await clock.runUntil(5000);
    expect(log).toEqual([
      { t: 0, type: 'start', speech: 1, resumed: false },
      { t: 0, type: 'chunk', speech: 1, offsetMs: 0, atMs: 0 },
      { t: 400, type: 'stop', speech: 1, cause: 'interrupted', playedMs: 400 },
      // "First answer." (13 characters) estimated at 845 ms: 400 ms → 6 characters → "First".
      { t: 400, type: 'end', speech: 1, cause: 'interrupted', playedMs: 400, heardText: 'First' },
      { t: 400, type: 'start', speech: 2, resumed: false },
      { t: 400, type: 'chunk', speech: 2, offsetMs: 0, atMs: 400 },
      { t: 500, type: 'stop', speech: 2, cause: 'drained', playedMs: 100 },
      { t: 500, type: 'end', speech: 2, cause: 'drained', playedMs: 100, heardText: 'Second.' },
    ]);
  });

  it('ignores empty chunks and rejects audio for an unknown segment', async () => {
    const { pb, log } = await setup(0);
    pb.begin(1);
    pb.addSegment(1, 'x');
    pb.enqueue(1, { sampleRate: 16_000, samples: 0 });
    expect(log).toEqual([]);
    expect(() => pb.enqueue(7, chunk(20))).toThrow('playout: audio for unknown segment 7');
  });

  it('ignores everything before the first begin()', async () => {
    const { clock, pb, log } = await setup(0);
    pb.addSegment(1, 'x');
    pb.enqueue(1, chunk(100));
    pb.endInput();
    expect(pb.pause()).toBe(false);
    pb.resume();
    expect(pb.stop('closed')).toEqual({ playedMs: 0, heardText: '' });
    await clock.runUntil(1000);
    expect(log).toEqual([]);
    expect(pb.speech).toBe(0);
  });

  describe('heard text', () => {
    it('follows the segments: whole segments, then whole words of the one playing', async () => {
      const { pb, at } = await setup(0);
      pb.begin(1);
      pb.addSegment(1, 'Hello there.');
      pb.addSegment(2, 'How are you?');
      pb.enqueue(1, chunk(500));
      pb.completeSegment(1);
      pb.enqueue(2, chunk(600));
      pb.completeSegment(2);
      expect(pb.fullText()).toBe('Hello there. How are you?');
      await at(250);
      // 12 characters over 500 ms: 250 ms → 6 characters, "Hello " → "Hello".
      expect(pb.heardText()).toBe('Hello');
      await at(500);
      expect(pb.heardText()).toBe('Hello there.');
      await at(800);
      // 300 of 600 ms of "How are you?" → 6 characters, "How ar" → "How".
      expect(pb.heardText()).toBe('Hello there. How');
      await at(1100);
      expect(pb.heardText()).toBe('Hello there. How are you?');
    });

    it('uses the TTS alignment when every chunk has one', async () => {
      const { pb, at } = await setup(0);
      pb.begin(1);
      pb.addSegment(1, 'Hi there, friend.');
      // 40 ms a character: "Hi there, " in the first chunk, "friend." in the second (with 20 ms of silence after).
      pb.enqueue(1, chunk(400), timings('Hi there, ', 40));
      pb.enqueue(1, chunk(300), timings('friend.', 40));
      pb.completeSegment(1);
      const heard: [number, string][] = [];
      for (const t of [0, 79, 80, 199, 320, 400, 500, 639, 640, 679, 680, 700]) {
        await at(t);
        heard.push([t, pb.heardText()]);
      }
      expect(heard).toEqual([
        [0, ''],
        [79, ''],
        [80, 'Hi'], // "i" ends at 80
        [199, 'Hi'],
        [320, 'Hi there'], // the "e" of "there" ends at 320
        [400, 'Hi there,'],
        [500, 'Hi there,'],
        [639, 'Hi there,'],
        [640, 'Hi there, friend'], // the "d" ends at 640: the word is heard, the full stop not yet
        [679, 'Hi there, friend'],
        [680, 'Hi there, friend.'], // the "." ends at 680
        [700, 'Hi there, friend.'],
      ]);
    });

    it('never reports a word the alignment received so far cuts off, even when all of it has played', async () => {
      const { pb, at } = await setup(0);
      pb.begin(1);
      pb.addSegment(1, 'Hi there.');
      // The first chunk's audio ends in the middle of "there"; the rest has not arrived.
      pb.enqueue(1, chunk(200), timings('Hi th', 40));
      await at(300); // underrun: all 5 received characters have played
      expect(pb.heardText()).toBe('Hi');
      expect(pb.stop('interrupted')).toEqual({ playedMs: 200, heardText: 'Hi' });
    });

    it('estimates from the audio when a chunk has no alignment, with a custom speaking rate', async () => {
      const { pb, at } = await setup(0, { msPerChar: 100 });
      pb.begin(1);
      pb.addSegment(1, 'Good morning to you');
      pb.enqueue(1, chunk(400), timings('Good', 100));
      pb.enqueue(1, chunk(400)); // no alignment: estimate
      await at(700);
      // Incomplete: the estimated length is 19 × 100 = 1900 ms; 700 ms → 7 characters, "Good mo" → "Good".
      expect(pb.heardText()).toBe('Good');
      expect(pb.stop('interrupted')).toEqual({ playedMs: 700, heardText: 'Good' });
    });
  });
});
