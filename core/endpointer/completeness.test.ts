import { describe, it, expect } from 'vitest';
import { HeuristicCompleteness, normalizeTranscript } from './completeness.js';
import type { Completeness } from '../trace/events.js';

describe('normalizeTranscript', () => {
  it.each<[string, string]>([
    ['Hello, World!', 'hello world'],
    ['  Tuesday   morning.  ', 'tuesday morning'],
    ['I\u2019m FINE', "i'm fine"],
    ['\u2018quoted\u2019 words', 'quoted words'],
    ["'quoted' words", 'quoted words'],
    ["don't can't won't", "don't can't won't"],
    ["the dogs' bowls", 'the dogs bowls'],
    ["rock 'n' roll", 'rock n roll'],
    ['mm-hmm uh-huh', 'mm-hmm uh-huh'],
    ['3:00 p.m.', '3 00 p m'],
    ['spaces\tand\nnewlines', 'spaces and newlines'],
    ['Café Ñandú', 'café ñandú'],
    ['\u4f60\u597d\u3002', '\u4f60\u597d'],
    ['...', ''],
    ['', ''],
    ['(yes) [no] {maybe}', 'yes no maybe'],
    ['email: a@b.com', 'email a b com'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeTranscript(input)).toBe(expected);
  });
});

describe('HeuristicCompleteness', () => {
  const detector = new HeuristicCompleteness();

  it.each<[string, Completeness, string]>([
    // The examples of the design.
    ["I'd like to book an appointment for", 'incomplete', 'ends with the preposition "for"'],
    ['Tuesday morning.', 'complete', 'ends a sentence'],
    ['yes', 'complete', '"yes" is a complete answer'],
    ['Yes.', 'complete', '"yes" is a complete answer'],
    ['um', 'incomplete', 'ends with the filler "um"'],
    ['What time do you open', 'complete', 'a question'],
    ['and then I...', 'incomplete', 'trails off'],
    ['and then I\u2026', 'incomplete', 'trails off'],
    // A trailing bare subject pronoun is not among the incomplete endings: no sign either way.
    ['and then I', 'uncertain', 'no sign either way'],
    ['Turn it on.', 'uncertain', '"on" may end the sentence'],
    ['I like that.', 'uncertain', '"that" may end the sentence'],
    ['I like that', 'incomplete', 'ends with the determiner "that"'],
    ['Where are you from?', 'complete', 'a question'],
    ['What is it for?', 'complete', 'a question'],
    ['Is that it?', 'complete', 'a question'],
    ['And then?', 'incomplete', 'ends with the conjunction "then"'],
    ['Turn it on', 'incomplete', 'ends with the preposition "on"'],
    ['I think so.', 'complete', 'ends with "think so"'],
    ['Hmm, let me see.', 'incomplete', 'ends with "let me see"'],
    ['One moment', 'incomplete', 'ends with "one moment"'],
    ['Hold on.', 'incomplete', 'ends with "hold on"'],
    ['I hope so', 'complete', 'ends with "hope so"'],
    ['Yes, I do.', 'complete', '"i do" is a complete answer'],
    ['Yes it is', 'complete', '"it is" is a complete answer'],
    ['We could', 'complete', '"we could" is a complete answer'],

    // Trailing words: whatever the punctuation (punctuation models end cut-off speech with a period).
    ['I want to', 'incomplete', 'ends with the preposition "to"'],
    ['I want to.', 'incomplete', 'ends with the preposition "to"'],
    ['Can I get a', 'incomplete', 'ends with the article "a"'],
    ['I need the', 'incomplete', 'ends with the article "the"'],
    ['I was going to call, but', 'incomplete', 'ends with the conjunction "but"'],
    ['Coffee and', 'incomplete', 'ends with the conjunction "and"'],
    ['Okay so', 'incomplete', 'ends with the conjunction "so"'],
    ['Put it on my', 'incomplete', 'ends with the determiner "my"'],
    ['My order number is', 'incomplete', 'ends with the auxiliary "is"'],
    ["I'm", 'incomplete', 'ends with the auxiliary "i\'m"'],
    ['I\u2019d', 'incomplete', 'ends with the auxiliary "i\'d"'],
    ['I want', 'incomplete', 'ends with the auxiliary "want"'],
    ['So I was thinking uh', 'incomplete', 'ends with the filler "uh"'],
    ['Hmm.', 'incomplete', 'ends with the filler "hmm"'],
    ['Come over', 'incomplete', 'ends with the preposition "over"'],
    ['Come over!', 'uncertain', '"over" may end the sentence'],
    ['What about', 'incomplete', 'ends with the preposition "about"'],

    // Trailing phrases.
    ['It was, you know', 'incomplete', 'ends with "you know"'],
    ['I mean', 'incomplete', 'ends with "i mean"'],
    ["It's kind of", 'incomplete', 'ends with "kind of"'],
    ['Let me', 'incomplete', 'ends with "let me"'],
    ['Things such as', 'incomplete', 'ends with "such as"'],
    ['Ten minutes or so.', 'complete', 'ends with "or so"'],
    ['Forms, receipts and so on', 'complete', 'ends with "and so on"'],
    ['A sandwich or something', 'complete', 'ends with "or something"'],
    ['I guess so', 'complete', 'ends with "guess so"'],

    // Short complete answers.
    ['Thank you', 'complete', '"thank you" is a complete answer'],
    ["That's right.", 'complete', '"that\'s right" is a complete answer'],
    ['Sounds good!', 'complete', '"sounds good" is a complete answer'],
    ['no', 'complete', '"no" is a complete answer'],
    ['OK', 'complete', '"ok" is a complete answer'],
    ['Of course', 'complete', '"of course" is a complete answer'],
    ['All right', 'complete', '"all right" is a complete answer'],

    // Punctuation.
    ['I would like a table for four,', 'incomplete', 'ends mid-clause'],
    ['The address is 12 Main Street;', 'incomplete', 'ends mid-clause'],
    ['My number is 555 \u2014', 'incomplete', 'ends mid-clause'],
    ['Well...', 'incomplete', 'trails off'],
    ['Do you have parking?', 'complete', 'a question'],
    ['Wait, really?', 'complete', 'a question'],
    ['Where is it?', 'complete', 'a question'],
    ['\u4eca\u5929\u5f00\u95e8\u5417\uff1f', 'complete', 'a question'],
    ['I have an appointment at 3 p.m.', 'complete', 'ends a sentence'],
    ['Tuesday morning.)', 'complete', 'ends a sentence'],
    ['"Tuesday morning."', 'complete', 'ends a sentence'],
    ['Book it for me!', 'complete', 'ends a sentence'],
    ['\u597d\u7684\u3002', 'complete', 'ends a sentence'],

    // Question openers without a question mark (STT without punctuation).
    ['Do you deliver', 'complete', 'a question'],
    ['how much is the large pizza', 'complete', 'a question'],
    ['how much is the', 'incomplete', 'ends with the article "the"'],
    ['Is it', 'uncertain', 'no sign either way'],

    // Nothing to go on.
    ['Tuesday morning', 'uncertain', 'no sign either way'],
    ['', 'uncertain', 'nothing transcribed yet'],
    ['   ', 'uncertain', 'nothing transcribed yet'],
    ['...', 'uncertain', 'nothing transcribed yet'],
  ])('%j → %s (%s)', (transcript, completeness, why) => {
    expect(detector.classify(transcript)).toEqual({ completeness, why });
  });
});
