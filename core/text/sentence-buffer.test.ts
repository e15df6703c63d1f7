import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SentenceBuffer, type SentenceBufferOptions } from './sentence-buffer.js';

/** All chunks for `text` pushed in one piece, then flushed. */
function chunkWhole(text: string, options?: SentenceBufferOptions): string[] {
  const buffer = new SentenceBuffer(options);
  return [...buffer.push(text), ...buffer.flush()];
}

/** All chunks for `pieces` pushed one after another, then flushed. */
function chunkPieces(pieces: readonly string[], options?: SentenceBufferOptions): string[] {
  const buffer = new SentenceBuffer(options);
  const chunks = pieces.flatMap((piece) => buffer.push(piece));
  return [...chunks, ...buffer.flush()];
}

function splitAt(text: string, cuts: readonly number[]): string[] {
  const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const position of positions) {
    pieces.push(text.slice(from, position));
    from = position;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const withoutSpace = (text: string): string => text.replace(/\s/gu, '');

type Case = readonly [input: string, expected: readonly string[]];

/** Checks the whole-text result and the one-code-unit-per-push result against `expected`. */
function expectChunks(cases: readonly Case[], options?: SentenceBufferOptions): void {
  it.each(cases)('%j', (input, expected) => {
    expect(chunkWhole(input, options)).toEqual(expected);
    expect(chunkPieces(input.split(''), options)).toEqual(expected);
  });
}

describe('SentenceBuffer: sentence ends', () => {
  expectChunks([
    ['Hello world. How are you? I am fine!', ['Hello world.', 'How are you?', 'I am fine!']],
    ['Really?! Yes!!! Done.', ['Really?!', 'Yes!!!', 'Done.']],
    ['He said "Stop." Then he left.', ['He said "Stop."', 'Then he left.']],
    ["She said 'no.' Then she went.", ["She said 'no.'", 'Then she went.']],
    ['(This is an aside.) Next one.', ['(This is an aside.)', 'Next one.']],
    ['“Curly quotes?” Yes. «Guillemets!» Sure.', ['“Curly quotes?”', 'Yes.', '«Guillemets!»', 'Sure.']],
    ['"Really?" she asked. Fine.', ['"Really?" she asked.', 'Fine.']],
    ['  Lots   of space.   Next.  ', ['Lots   of space.', 'Next.']],
    ['Line one.\nLine two.\n\nLine three', ['Line one.', 'Line two.', 'Line three']],
    ['It costs 5. 3 people came.', ['It costs 5.', '3 people came.']],
    ['Hmm… Okay.', ['Hmm…', 'Okay.']],
    ['Hello. 你好。', ['Hello.', '你好。']],
    ['Hey! what was that?', ['Hey! what was that?']],
    ['... Hello there.', ['... Hello there.']],
    ['No terminator at all', ['No terminator at all']],
    ['', []],
    ['   \n\t ', []],
  ]);
});

describe('SentenceBuffer: CJK', () => {
  expectChunks([
    ['你好。今天天气很好！你呢？', ['你好。', '今天天气很好！', '你呢？']],
    ['他说：「你好。」然后走了。', ['他说：「你好。」', '然后走了。']],
    ['真的？！太好了。', ['真的？！', '太好了。']],
    ['こんにちは。元気ですか？', ['こんにちは。', '元気ですか？']],
    ['好。 Next sentence.', ['好。', 'Next sentence.']],
  ]);
});

describe('SentenceBuffer: abbreviations, titles and initials', () => {
  expectChunks([
    ['Dr. Smith arrived.', ['Dr. Smith arrived.']],
    ['Call Mr. Jones.', ['Call Mr. Jones.']],
    ['Mrs. Brown and Ms. Green met Prof. Plum on St. James Street. Then tea.', [
      'Mrs. Brown and Ms. Green met Prof. Plum on St. James Street.',
      'Then tea.',
    ]],
    ['Ask Sr. Maria and John Smith Jr. About it.', ['Ask Sr. Maria and John Smith Jr. About it.']],
    ['Lakers vs. Celtics tonight.', ['Lakers vs. Celtics tonight.']],
    ['Bring fruit, e.g. Apples. Or not.', ['Bring fruit, e.g. Apples.', 'Or not.']],
    ['Use a tool, i.e. A hammer.', ['Use a tool, i.e. A hammer.']],
    ['(Dr. Who) is here.', ['(Dr. Who) is here.']],
    ['We sell apples, pears, etc. and more.', ['We sell apples, pears, etc. and more.']],
    ['We sell apples, pears, etc. Then we close.', ['We sell apples, pears, etc.', 'Then we close.']],
    ['The U.S.A. is big.', ['The U.S.A. is big.']],
    ['I moved to the U.S.A. It is big.', ['I moved to the U.S.A.', 'It is big.']],
    ['John F. Kennedy spoke. J. K. Rowling wrote.', ['John F. Kennedy spoke.', 'J. K. Rowling wrote.']],
    ['So do I. Then we left.', ['So do I.', 'Then we left.']],
  ]);
});

describe('SentenceBuffer: numbers, times, emails and domains', () => {
  expectChunks([
    ['It costs $4,230.50 today. Pi is 3.14 and 1.23e4 is big.', [
      'It costs $4,230.50 today.',
      'Pi is 3.14 and 1.23e4 is big.',
    ]],
    ['The price rose to $4.50. Then it fell.', ['The price rose to $4.50.', 'Then it fell.']],
    ['Meet at 3:00. Bring snacks.', ['Meet at 3:00.', 'Bring snacks.']],
    ['Meet at 3:00 a.m. tomorrow.', ['Meet at 3:00 a.m. tomorrow.']],
    ['Meet at 3 p.m. Then we eat.', ['Meet at 3 p.m.', 'Then we eat.']],
    ['Write to foo.bar@example.com today.', ['Write to foo.bar@example.com today.']],
    ['Email foo.bar@example.com. Thanks!', ['Email foo.bar@example.com.', 'Thanks!']],
    ['See docs.example.com for more. Bye.', ['See docs.example.com for more.', 'Bye.']],
    ['Visit https://docs.example.com/a.b?x=1. Done.', ['Visit https://docs.example.com/a.b?x=1.', 'Done.']],
  ]);
});

describe('SentenceBuffer: ellipses', () => {
  expectChunks([
    ['Well... maybe not.', ['Well... maybe not.']],
    ['Well...\n   maybe not.', ['Well...\n   maybe not.']],
    ['Wait... What?', ['Wait...', 'What?']],
    ['Well… maybe. Sure.', ['Well… maybe.', 'Sure.']],
    ['The end...', ['The end...']],
  ]);
});

describe('SentenceBuffer: list numbers', () => {
  expectChunks([
    ['1. First item', ['1. First item']],
    ['1. First item. 2. Second item.', ['1. First item.', '2. Second item.']],
    ['Steps:\n1. Mix the flour.\n2. Bake it.', ['Steps:\n1. Mix the flour.', '2. Bake it.']],
    ['The steps are: 1. Mix. 2. Bake.', ['The steps are: 1. Mix.', '2. Bake.']],
    ['I counted to 3. Then I stopped.', ['I counted to 3.', 'Then I stopped.']],
  ]);
});

describe('SentenceBuffer: eager first chunk', () => {
  describe('with the default of 5 words', () => {
    expectChunks(
      [
        ['Well, let me think about this, and then I will answer. Next one, with a comma, stays whole.', [
          'Well, let me think about this,',
          'and then I will answer.',
          'Next one, with a comma, stays whole.',
        ]],
        ['Sure, I can help.', ['Sure, I can help.']],
        ['The total comes to $4,230.50 for you, sir.', ['The total comes to $4,230.50 for you,', 'sir.']],
        ['I checked the weather report; it looks sunny.', ['I checked the weather report;', 'it looks sunny.']],
        ['Here is what you need to know: it is fine.', ['Here is what you need to know:', 'it is fine.']],
        ['We will meet you at 3:00 sharp today.', ['We will meet you at 3:00 sharp today.']],
        ['I was going to say something—actually never mind.', [
          'I was going to say something—',
          'actually never mind.',
        ]],
        ['I was going to say something —— never mind.', ['I was going to say something ——', 'never mind.']],
        ['One two three four five - six seven.', ['One two three four five -', 'six seven.']],
        ['The state-of-the-art well-known system works.', ['The state-of-the-art well-known system works.']],
        ['Hi. One two three four five, six.', ['Hi.', 'One two three four five, six.']],
        ['One two three four five,', ['One two three four five,']],
      ],
      { eagerFirstChunk: true },
    );
  });

  describe('with eagerMinWords', () => {
    expectChunks(
      [
        ['Well then, here we go.', ['Well then,', 'here we go.']],
        ['Well, then.', ['Well, then.']],
      ],
      { eagerFirstChunk: true, eagerMinWords: 2 },
    );
    expectChunks(
      [
        ['我们今天要去公园，然后去吃饭。', ['我们今天要去公园，', '然后去吃饭。']],
        ['Yes, sir.', ['Yes,', 'sir.']],
      ],
      { eagerFirstChunk: true, eagerMinWords: 1 },
    );
  });

  it('is off by default', () => {
    expect(chunkWhole('Well, let me think about this, and then I will answer.')).toEqual([
      'Well, let me think about this, and then I will answer.',
    ]);
  });

  it('is eager again for the next stream after flush() and after reset()', () => {
    const buffer = new SentenceBuffer({ eagerFirstChunk: true, eagerMinWords: 2 });
    const text = 'Okay then, we go. Right then, we stop.';
    const expected = ['Okay then,', 'we go.', 'Right then, we stop.'];
    expect([...buffer.push(text), ...buffer.flush()]).toEqual(expected);
    expect([...buffer.push(text), ...buffer.flush()]).toEqual(expected);
    expect(buffer.push('Abandoned')).toEqual([]);
    buffer.reset();
    expect([...buffer.push(text), ...buffer.flush()]).toEqual(expected);
  });
});

describe('SentenceBuffer: minChunkChars', () => {
  expectChunks(
    [
      ['Hi. Ok. This is longer. And this one too.', ['Hi. Ok. This is longer.', 'And this one too.']],
      ['Yes. No.', ['Yes. No.']],
      ['A long first sentence. Ok.', ['A long first sentence.', 'Ok.']],
      ['你好。今天天气很好！你呢？', ['你好。今天天气很好！', '你呢？']],
    ],
    { minChunkChars: 10 },
  );
  expectChunks(
    [['Well, fine, let me think, ok.', ['Well, fine, let me think,', 'ok.']]],
    { eagerFirstChunk: true, eagerMinWords: 1, minChunkChars: 20 },
  );

  it('rejects invalid options', () => {
    expect(() => new SentenceBuffer({ minChunkChars: -1 })).toThrow(RangeError);
    expect(() => new SentenceBuffer({ minChunkChars: 1.5 })).toThrow(RangeError);
    expect(() => new SentenceBuffer({ eagerMinWords: 0 })).toThrow(RangeError);
    expect(() => new SentenceBuffer({ eagerMinWords: Number.NaN })).toThrow(RangeError);
  });
});

describe('SentenceBuffer: streaming behaviour', () => {
  it('emits a sentence only once the first character after it is known', () => {
    const buffer = new SentenceBuffer();
    expect(buffer.push('Hello wor')).toEqual([]);
    expect(buffer.push('ld.')).toEqual([]);
    expect(buffer.push(' ')).toEqual([]);
    expect(buffer.push('How')).toEqual(['Hello world.']);
    expect(buffer.push(' are you? I')).toEqual(['How are you?']);
    expect(buffer.flush()).toEqual(['I']);
  });

  it('emits CJK sentences once the character after the terminator is known', () => {
    const buffer = new SentenceBuffer();
    expect(buffer.push('你好。')).toEqual([]);
    expect(buffer.push('今')).toEqual(['你好。']);
    expect(buffer.flush()).toEqual(['今']);
  });

  it('returns several chunks from one push', () => {
    const buffer = new SentenceBuffer();
    expect(buffer.push('One. Two. Three. Fo')).toEqual(['One.', 'Two.', 'Three.']);
    expect(buffer.flush()).toEqual(['Fo']);
  });

  it('flush() returns the trailing unterminated text and empties the buffer', () => {
    const buffer = new SentenceBuffer();
    expect(buffer.push('Done. And then')).toEqual(['Done.']);
    expect(buffer.flush()).toEqual(['And then']);
    expect(buffer.flush()).toEqual([]);
    expect([...buffer.push('Again. New'), ...buffer.flush()]).toEqual(['Again.', 'New']);
  });

  it('reset() drops buffered text and pending decisions', () => {
    const buffer = new SentenceBuffer();
    expect(buffer.push('Dropped because of barge-in.')).toEqual([]);
    buffer.reset();
    expect(buffer.push(' Fresh start. Ok')).toEqual(['Fresh start.']);
    buffer.reset();
    expect(buffer.flush()).toEqual([]);
  });

  it('keeps a surrogate pair split across pushes intact', () => {
    expect(chunkPieces(['Smile \uD83D', '\uDE00. Ok.'])).toEqual(['Smile 😀.', 'Ok.']);
  });

  it('keeps exact chunks over a long stream (past internal buffer compaction)', () => {
    const paragraph = '1. First item. Dr. Smith paid $4.50 at 3:00 p.m. today. 你好。Wait... What? Okay, fine\n';
    const expected = ['1. First item.', 'Dr. Smith paid $4.50 at 3:00 p.m. today.', '你好。', 'Wait...', 'What?'];
    const text = paragraph.repeat(400);
    const pieces = text.match(/[\s\S]{1,3}/gu) ?? [];
    const chunks = chunkPieces(pieces);
    const repeated = ['Okay, fine\n1. First item.', ...expected.slice(1)];
    expect(chunks).toEqual([...expected, ...Array.from({ length: 399 }, () => repeated).flat(), 'Okay, fine']);
    expect(chunks).toEqual(chunkWhole(text));
  });

  // Quadratic behaviour would take far longer than the test timeout at these sizes.
  it('stays linear for long streams pushed one token at a time', () => {
    const sentence = 'The quick brown fox, worth $4,230.50, met Dr. Smith at 3:00 p.m. today. ';
    const buffer = new SentenceBuffer({ eagerFirstChunk: true });
    let count = 0;
    for (let i = 0; i < 3000; i++) {
      for (const token of sentence.split(/(?<= )/u)) count += buffer.push(token).length;
    }
    count += buffer.flush().length;
    expect(count).toBe(3001); // eager first clause + the rest of the first sentence + 2999 sentences

    // A 250k-character sentence, then long runs of whitespace and terminators awaiting their look-ahead.
    const pushUnits = (text: string): number => {
      let emitted = 0;
      for (const unit of text) emitted += buffer.push(unit).length;
      return emitted;
    };
    expect(pushUnits('Start' + ' word'.repeat(50_000) + '.' + ' '.repeat(100_000))).toBe(0);
    expect(buffer.push('Next')).toHaveLength(1);
    expect(pushUnits('!'.repeat(100_000))).toBe(0);
    expect(buffer.push(' And')).toEqual(['Next' + '!'.repeat(100_000)]);
    expect(buffer.flush()).toEqual(['And']);
  });
});

// Text made of words, the tricky tokens from the rules, punctuation and CJK, mostly separated by spaces.
const WORDS = ['hello', 'world', 'the', 'answer', 'is', 'maybe', 'Okay', 'Smith', 'Jones', 'We', 'It', 'I', 'A', '3'];
const TRICKY = [
  'Mr.', 'Mrs.', 'Ms.', 'Dr.', 'Prof.', 'St.', 'Jr.', 'Sr.', 'vs.', 'etc.', 'e.g.', 'i.e.', 'a.m.', 'p.m.',
  'U.S.A.', '$4,230.50', '3.14', '1.23e4', '3:00', 'foo.bar@example.com', 'docs.example.com', '...', '…',
  '1.', '2.', 'F.', 'I.', '你好。', '今天天气很好！', '你呢？', '「好。」', '，', '；', '"Stop."', '(yes.)',
  '4,230', '—', '——', '-', '😀', '\uD83D',
];
const TERMINATORS = ['.', '.', '.', '?', '!', '?!', '...', '."', '!)', ',', ',', ';', ':', '—'];
const SEPARATORS = [' ', ' ', ' ', ' ', ' ', '', '  ', '\n', ' \n ', '\t'];
const tokenArbitrary = fc.oneof(
  { arbitrary: fc.constantFrom(...WORDS), weight: 6 },
  { arbitrary: fc.constantFrom(...TRICKY), weight: 3 },
  { arbitrary: fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...TERMINATORS)).map(([w, t]) => w + t), weight: 3 },
  { arbitrary: fc.constantFrom(...TERMINATORS), weight: 1 },
  { arbitrary: fc.string({ maxLength: 3 }), weight: 1 },
);
const textArbitrary = fc
  .array(fc.tuple(tokenArbitrary, fc.constantFrom(...SEPARATORS)), { maxLength: 40, size: 'medium' })
  .map((pieces) => pieces.map(([token, separator]) => token + separator).join(''));
const cutsArbitrary = fc.array(fc.nat(), { maxLength: 12 });

const CONFIGS: readonly (readonly [string, SentenceBufferOptions])[] = [
  ['defaults', {}],
  ['eager', { eagerFirstChunk: true }],
  ['eager with 1 word', { eagerFirstChunk: true, eagerMinWords: 1 }],
  ['minChunkChars', { minChunkChars: 12 }],
  ['eager and minChunkChars', { eagerFirstChunk: true, eagerMinWords: 2, minChunkChars: 8 }],
];

describe.each(CONFIGS)('SentenceBuffer properties (%s)', (_name, options) => {
  it('gives the same chunks however the text is split across push() calls', () => {
    fc.assert(
      fc.property(textArbitrary, cutsArbitrary, (text, cuts) => {
        expect(chunkPieces(splitAt(text, cuts), options)).toEqual(chunkWhole(text, options));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same chunks when fed one code unit at a time', () => {
    fc.assert(
      fc.property(textArbitrary, (text) => {
        expect(chunkPieces(text.split(''), options)).toEqual(chunkWhole(text, options));
      }),
      { numRuns: 200 },
    );
  });

  it('loses no text and emits only trimmed, non-empty chunks', () => {
    fc.assert(
      fc.property(textArbitrary, cutsArbitrary, (text, cuts) => {
        const chunks = chunkPieces(splitAt(text, cuts), options);
        expect(withoutSpace(chunks.join(''))).toBe(withoutSpace(text));
        for (const chunk of chunks) {
          expect(chunk).not.toBe('');
          expect(chunk).toBe(chunk.trim());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('behaves the same when reused after flush() or reset()', () => {
    fc.assert(
      fc.property(textArbitrary, textArbitrary, (first, second) => {
        const buffer = new SentenceBuffer(options);
        buffer.push(first);
        buffer.flush();
        expect([...buffer.push(second), ...buffer.flush()]).toEqual(chunkWhole(second, options));
        buffer.push(first);
        buffer.reset();
        expect([...buffer.push(second), ...buffer.flush()]).toEqual(chunkWhole(second, options));
      }),
      { numRuns: 200 },
    );
  });
});
