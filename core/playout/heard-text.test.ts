import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_MS_PER_CHAR, heardTextOfSegment, type CharTimings, type SegmentAudio } from './heard-text.js';

function timings(text: string, msPerChar: number, fromMs = 0): CharTimings {
  const chars = [...text];
  return { chars, charStartMs: chars.map((_, i) => fromMs + i * msPerChar), charDurationMs: chars.map(() => msPerChar) };
}

describe('heardTextOfSegment', () => {
  it('is 65 ms a character by default', () => {
    expect(DEFAULT_MS_PER_CHAR).toBe(65);
  });

  describe('estimated (no alignment)', () => {
    const text = 'one two three four'; // 18 characters
    const complete: SegmentAudio = { text, chunks: [{ durationMs: 900 }], complete: true };

    it.each<[number, string]>([
      [-5, ''],
      [0, ''],
      [49, ''], // 0 characters
      [150, 'one'], // 3 characters: "one" then a space
      [199, 'one'],
      [350, 'one two'], // 7 characters: "one two" then a space
      [449, 'one two'], // 8 characters: "one two " → trimmed
      [500, 'one two'], // 10 characters: "one two th" → back to "one two"
      [650, 'one two three'], // 13 characters: "one two three"
      [899, 'one two three'], // 17 characters: "…fou"
      [900, 'one two three four'],
      [5000, 'one two three four'],
    ])('complete, %d ms of 900 → %j', (playedMs, heard) => {
      expect(heardTextOfSegment(complete, playedMs)).toBe(heard);
    });

    it('estimates the length of an incomplete segment from the text when the audio so far is shorter', () => {
      const incomplete: SegmentAudio = { text, chunks: [{ durationMs: 300 }], complete: false };
      // 18 × 65 = 1170 ms estimated: 300 ms → 4 characters "one " → "one".
      expect(heardTextOfSegment(incomplete, 300)).toBe('one');
      // All received audio played, but the estimate says more is coming: not the whole text.
      expect(heardTextOfSegment(incomplete, 1000)).toBe('one two three');
      // With 100 ms a character: 1800 ms estimated, 300 ms → 3 characters → "one".
      expect(heardTextOfSegment(incomplete, 300, 100)).toBe('one');
      expect(heardTextOfSegment(incomplete, 250, 100)).toBe('');
    });

    it('uses the received audio when it is already longer than the text estimate', () => {
      const incomplete: SegmentAudio = { text, chunks: [{ durationMs: 1000 }, { durationMs: 1000 }], complete: false };
      expect(heardTextOfSegment(incomplete, 1000)).toBe('one two'); // 9 characters of 18
      expect(heardTextOfSegment(incomplete, 2000)).toBe('one two three four');
    });

    it('stops at punctuation after a whole word', () => {
      const segment: SegmentAudio = { text: 'Yes, of course.', chunks: [{ durationMs: 1500 }], complete: true };
      expect(heardTextOfSegment(segment, 300)).toBe('Yes'); // 3 characters, then ","
      expect(heardTextOfSegment(segment, 400)).toBe('Yes,'); // 4 characters, then " "
      expect(heardTextOfSegment(segment, 1400)).toBe('Yes, of course'); // 14 characters, then "."
    });

    it('hears nothing of a text without spaces until it has all played', () => {
      const segment: SegmentAudio = { text: 'Supercalifragilistic', chunks: [{ durationMs: 1000 }], complete: true };
      expect(heardTextOfSegment(segment, 999)).toBe('');
      expect(heardTextOfSegment(segment, 1000)).toBe('Supercalifragilistic');
    });

    it('trims the text', () => {
      const segment: SegmentAudio = { text: '  Hello there.  ', chunks: [{ durationMs: 1600 }], complete: true };
      expect(heardTextOfSegment(segment, 1600)).toBe('Hello there.');
      expect(heardTextOfSegment(segment, 800)).toBe('Hello'); // 8 characters: "  Hello " → "Hello"
    });

    it('hears nothing of a segment with no audio yet', () => {
      expect(heardTextOfSegment({ text, chunks: [], complete: false }, 100)).toBe('');
    });
  });

  describe('aligned', () => {
    it('counts the characters that have completely played, across chunks', () => {
      const segment: SegmentAudio = {
        text: 'Hi there, friend.',
        chunks: [
          { durationMs: 400, alignment: timings('Hi there, ', 40) },
          { durationMs: 300, alignment: timings('friend.', 40) },
        ],
        complete: true,
      };
      expect(heardTextOfSegment(segment, 79)).toBe('');
      expect(heardTextOfSegment(segment, 80)).toBe('Hi');
      expect(heardTextOfSegment(segment, 319)).toBe('Hi');
      expect(heardTextOfSegment(segment, 320)).toBe('Hi there');
      expect(heardTextOfSegment(segment, 639)).toBe('Hi there,');
      expect(heardTextOfSegment(segment, 640)).toBe('Hi there, friend');
      expect(heardTextOfSegment(segment, 680)).toBe('Hi there, friend.');
      expect(heardTextOfSegment(segment, 700)).toBe('Hi there, friend.');
    });

    it('follows the alignment, not the audio proportion', () => {
      // All the speech is in the last 100 ms of a 1000 ms chunk.
      const segment: SegmentAudio = { text: 'a b c', chunks: [{ durationMs: 1000, alignment: timings('a b c', 20, 900) }], complete: true };
      expect(heardTextOfSegment(segment, 899)).toBe('');
      expect(heardTextOfSegment(segment, 920)).toBe('a');
      expect(heardTextOfSegment(segment, 960)).toBe('a b');
      expect(heardTextOfSegment(segment, 999)).toBe('a b');
      expect(heardTextOfSegment(segment, 1000)).toBe('a b c');
      // Incomplete: the alignment alone says "c" is whole only once it has played.
      const open: SegmentAudio = { ...segment, complete: false };
      expect(heardTextOfSegment(open, 999)).toBe('a b');
      expect(heardTextOfSegment(open, 1000)).toBe('a b c');
    });

    it('does not count a word the received alignment cuts off (regression)', () => {
      // Before the fix: "Hi th" once all 5 received characters had played.
      const segment: SegmentAudio = { text: 'Hi there.', chunks: [{ durationMs: 200, alignment: timings('Hi th', 40) }], complete: false };
      expect(heardTextOfSegment(segment, 200)).toBe('Hi');
      expect(heardTextOfSegment(segment, 10_000)).toBe('Hi');
    });

    it('counts the last received word when the segment text shows it is whole', () => {
      const segment: SegmentAudio = { text: 'Hi there.', chunks: [{ durationMs: 320, alignment: timings('Hi there', 40) }], complete: false };
      expect(heardTextOfSegment(segment, 320)).toBe('Hi there');
    });

    it('when the alignment text differs from the segment text, counts its last word only if it ends in a boundary', () => {
      // The TTS normalised "Dr." to "Doctor".
      const cut: SegmentAudio = { text: 'Dr. Smith is in.', chunks: [{ durationMs: 400, alignment: timings('Doctor Smi', 40) }], complete: false };
      expect(heardTextOfSegment(cut, 400)).toBe('Doctor');
      const whole: SegmentAudio = { text: 'Dr. Smith is in.', chunks: [{ durationMs: 400, alignment: timings('Doctor Smith ', 30) }], complete: false };
      expect(heardTextOfSegment(whole, 400)).toBe('Doctor Smith');
      // Complete: the alignment text is all there is.
      const done: SegmentAudio = { text: 'Dr. Smith is in.', chunks: [{ durationMs: 800, alignment: timings('Doctor Smith is in.', 40) }], complete: true };
      expect(heardTextOfSegment(done, 760)).toBe('Doctor Smith is in.');
      expect(heardTextOfSegment(done, 500)).toBe('Doctor Smith');
    });

    it('falls back to the estimate when a chunk has no alignment', () => {
      const segment: SegmentAudio = {
        text: 'one two three four',
        chunks: [{ durationMs: 450, alignment: timings('one two t', 50) }, { durationMs: 450 }],
        complete: true,
      };
      // Estimated: 650 ms of 900 → 13 characters → "one two three" (the alignment would give "one two").
      expect(heardTextOfSegment(segment, 650)).toBe('one two three');
    });
  });

  it('is a prefix of the text ending at a word boundary, and never shrinks as more plays (property)', () => {
    const wordArb = fc.stringMatching(/^[a-z]{1,8}[,.]?$/);
    fc.assert(
      fc.property(
        fc.array(wordArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 2, maxLength: 6 }),
        (words, durations, complete, aligned, times) => {
          const text = words.join(' ');
          const totalMs = durations.reduce((a, b) => a + b, 0);
          // Aligned: the text spread over the chunks in proportion to their length.
          let elapsed = 0;
          let from = 0;
          const chunks = durations.map((durationMs, k) => {
            elapsed += durationMs;
            const to = k === durations.length - 1 ? text.length : Math.round((elapsed / totalMs) * text.length);
            const part = text.slice(from, to);
            from = to;
            return aligned ? { durationMs, alignment: timings(part, durationMs / Math.max(1, part.length)) } : { durationMs };
          });
          const segment: SegmentAudio = { text, chunks, complete };
          let previous = '';
          for (const t of [...times].sort((a, b) => a - b)) {
            const heard = heardTextOfSegment(segment, t, totalMs / text.length);
            expect(text.startsWith(heard)).toBe(true);
            // Whole words only: what follows the heard text is the end, a space or punctuation.
            if (heard !== '') expect(text.length === heard.length || /[ ,.]/.test(text[heard.length]!)).toBe(true);
            expect(heard.endsWith(' ')).toBe(false);
            expect(heard.length).toBeGreaterThanOrEqual(previous.length);
            previous = heard;
          }
          if (complete) expect(heardTextOfSegment(segment, totalMs)).toBe(text);
          else expect(heardTextOfSegment(segment, 0)).toBe('');
        },
      ),
      { numRuns: 300 },
    );
  });
});
