import type { Completeness } from '../trace/events.js';

/** A completeness verdict and the reason for it, in words a scenario author can read. */
export interface CompletenessVerdict {
  readonly completeness: Completeness;
  readonly why: string;
}

/**
 * Judges whether a transcript reads like a finished turn. The endpointer uses it to choose how
 * long to wait; a model-based detector can replace the heuristic one.
 */
export interface CompletenessDetector {
  classify(transcript: string): CompletenessVerdict;
}

/** Words that, last in an utterance, mean the speaker has more to say. */
const TRAILING_INCOMPLETE: ReadonlyMap<string, string> = new Map([
  ...words('conjunction', 'and but or so because if that which who whom whose then than when while although though unless whether nor plus'),
  ...words('preposition', 'for to of in on at with from about by into onto like after before until till between through during without within over under near around per via towards toward upon'),
  ...words('article', 'the a an'),
  ...words('determiner', 'my your our their his her its this that these those some any every each no another'),
  ...words('auxiliary', "is are was were be been am i'm i'd i'll i've we're we'd they're you're it's can could would will should shall might must do does did have has had want wanna need needs gonna"),
  ...words('filler', 'um umm uh uhh er erm hmm mm ah eh'),
]);

/**
 * Trailing words that can also end a sentence: verb particles ("turn it on") and determiners
 * used as pronouns ("I like that"). With terminal punctuation they leave the verdict open.
 */
const AMBIGUOUS_ENDINGS = new Set([
  'on', 'in', 'over', 'around', 'through', 'by', 'about', 'near', 'under',
  'that', 'this', 'these', 'those', 'her', 'his', 'its', 'some', 'any', 'each', 'another', 'no',
]);

/** Kinds of trailing word a question mark overrides ("Where are you from?", "Is that it?"). */
const QUESTION_OVERRIDES = new Set(['preposition', 'determiner', 'auxiliary']);

/** A subject pronoun before a trailing auxiliary makes a complete answer ("yes, I do"). */
const SUBJECT_PRONOUNS = new Set(['i', 'you', 'we', 'they', 'he', 'she', 'it', 'that', 'there']);
const STANDALONE_AUXILIARIES = new Set(['do', 'does', 'did', 'can', 'could', 'will', 'would', 'should', 'have', 'has', 'had', 'am', 'is', 'are', 'was', 'were', 'might', 'must', 'shall']);

/** Endings that look incomplete word by word but are not. */
const COMPLETE_ENDINGS: readonly string[] = ['think so', 'hope so', 'guess so', 'believe so', 'suppose so', 'or so', 'and so on', 'and so forth', 'or something'];

/** Trailing phrases of more than one word that mean the same. */
const TRAILING_INCOMPLETE_PHRASES: readonly string[] = [
  'you know', 'i mean', 'kind of', 'sort of', 'let me', 'i think', 'such as', 'as well as',
  // Holding the floor: the speaker is about to go on.
  'let me see', 'let me think', 'let me check', 'let me look', 'one second', 'one sec', 'one moment', 'just a moment',
  'just a second', 'hold on', 'hang on', 'give me a second', 'give me a moment', 'wait a second', 'wait a sec', 'bear with me',
];

/** Short answers that are complete turns on their own. */
const SHORT_COMPLETE = new Set([
  'yes', 'yeah', 'yep', 'yup', 'no', 'nope', 'nah', 'sure', 'okay', 'ok', 'right', 'correct', 'exactly', 'thanks',
  'thank you', 'thank you very much', "that's right", "that's correct", "that's it", "that's all", 'sounds good',
  'perfect', 'great', 'fine', 'good', 'bye', 'goodbye', 'hello', 'hi', 'hey', 'absolutely', 'definitely', 'of course',
  'not really', 'no thanks', 'no thank you', 'please', 'got it', 'i see', 'alright', 'all right',
]);

const QUESTION_OPENERS = /^(what|when|where|who|whom|whose|why|how|which|can|could|would|will|should|shall|is|are|was|were|do|does|did|have|has|may|might)\b/;

function words(kind: string, list: string): [string, string][] {
  return list.split(' ').map((w) => [w, kind]);
}

/** Lower-cases, unifies apostrophes, drops punctuation except inner apostrophes, collapses spaces. */
export function normalizeTranscript(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}'\s-]+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The text heuristic: trailing conjunctions, prepositions, articles, auxiliaries and fillers mean
 * "not done", whatever punctuation the STT added (punctuation models often end a cut-off
 * utterance with a period); questions, terminal punctuation and short complete answers mean "done".
 */
export class HeuristicCompleteness implements CompletenessDetector {
  classify(transcript: string): CompletenessVerdict {
    const text = normalizeTranscript(transcript);
    if (text === '') return { completeness: 'uncertain', why: 'nothing transcribed yet' };
    const terminated = /[.!?。！？]["'”’)\]]*$/.test(transcript.trim());
    const question = /[?？]["'”’)\]]*$/.test(transcript.trim());
    for (const ending of COMPLETE_ENDINGS) {
      if (text === ending || text.endsWith(` ${ending}`)) return { completeness: 'complete', why: `ends with "${ending}"` };
    }
    for (const phrase of TRAILING_INCOMPLETE_PHRASES) {
      if (text === phrase || text.endsWith(` ${phrase}`)) {
        return { completeness: 'incomplete', why: `ends with "${phrase}"` };
      }
    }
    const tokens = text.split(' ');
    const last = tokens[tokens.length - 1] ?? '';
    const previous = tokens[tokens.length - 2];
    if (SHORT_COMPLETE.has(text)) return { completeness: 'complete', why: `"${text}" is a complete answer` };
    if (STANDALONE_AUXILIARIES.has(last) && previous !== undefined && SUBJECT_PRONOUNS.has(previous)) {
      return { completeness: 'complete', why: `"${previous} ${last}" is a complete answer` };
    }
    const kind = TRAILING_INCOMPLETE.get(last);
    if (kind !== undefined) {
      if (question && QUESTION_OVERRIDES.has(kind)) return { completeness: 'complete', why: 'a question' };
      if (terminated && AMBIGUOUS_ENDINGS.has(last)) return { completeness: 'uncertain', why: `"${last}" may end the sentence` };
      return { completeness: 'incomplete', why: `ends with the ${kind} "${last}"` };
    }
    const trimmed = transcript.trim();
    if (/[,;:\u2014\u2013-]$/.test(trimmed)) return { completeness: 'incomplete', why: 'ends mid-clause' };
    if (/\.\.\.$|\u2026$/.test(trimmed)) return { completeness: 'incomplete', why: 'trails off' };
    if (/[?？]["'”’)\]]*$/.test(trimmed)) return { completeness: 'complete', why: 'a question' };
    if (/[.!。！]["'”’)\]]*$/.test(trimmed)) return { completeness: 'complete', why: 'ends a sentence' };
    if (QUESTION_OPENERS.test(text) && tokens.length >= 3) {
      return { completeness: 'complete', why: 'a question' };
    }
    return { completeness: 'uncertain', why: 'no sign either way' };
  }
}
