/**
 * The `listen.v1` side of the Deepgram fake: answers the audio a client sends with `Results`
 * (interim and final), `SpeechStarted`, `UtteranceEnd` and, on `CloseStream`, `Metadata`, as the
 * real service does for the query parameters given (`interim_results`, `endpointing`,
 * `utterance_end_ms`, `vad_events`, `punctuate`/`smart_format`, `encoding`, `sample_rate`).
 *
 * Everything happens at its place in the audio received: a word is heard once the audio up to
 * its end has arrived, a final result once `endpointing` ms of silence after it have, so the
 * answers are caused by the client's audio, not by the wall clock.
 *
 * @module
 */
import type { FakeSocket } from '../fake/connection.js';
import type { ListenSettings } from './fake-script.js';
import type { HeardWord } from './fake-speech.js';
import { ListeningFake, seconds, type Candidate, type FakeIds } from './fake-listening.js';
import type { ListenV1Results } from './messages.js';

/** Without endpointing, a segment becomes final after this much silence. */
const FINAL_GAP_WITHOUT_ENDPOINTING_MS = 500;

/** One `listen.v1` connection of the fake. */
export class ListenV1Fake extends ListeningFake {
  readonly #interim: boolean;
  readonly #finalGapMs: number;
  readonly #speechFinal: boolean;
  readonly #utteranceEndMs: number | undefined;
  readonly #vadEvents: boolean;
  readonly #punctuate: boolean;
  #lastTickMs = 0;
  /** Start of the current result window, ms. */
  #segmentStartMs = 0;
  /** Index of the first word not in a final result; of the first word not yet started. */
  #firstOpen = 0;
  #nextStart = 0;
  #lastInterimCount = 0;
  #speaking = false;
  /** End of the word the last UtteranceEnd was for. */
  #utteranceEndFor = -1;

  constructor(socket: FakeSocket, query: URLSearchParams, settings: ListenSettings, ids: FakeIds) {
    super(socket, query, settings, ids);
    this.#interim = query.get('interim_results') === 'true';
    const endpointing = query.get('endpointing');
    this.#speechFinal = endpointing !== 'false';
    this.#finalGapMs = endpointing === 'false' ? FINAL_GAP_WITHOUT_ENDPOINTING_MS : Number(endpointing ?? 10);
    const utteranceEnd = query.get('utterance_end_ms');
    this.#utteranceEndMs = utteranceEnd !== null ? Number(utteranceEnd) : undefined;
    this.#vadEvents = query.get('vad_events') === 'true';
    this.#punctuate = query.get('punctuate') === 'true' || query.get('smart_format') === 'true';
  }

  protected control(message: { readonly type?: unknown }): void {
    if (message.type === 'Finalize') this.#final(this.audioMs, { fromFinalize: true, speechFinal: false, always: true });
    if (message.type === 'CloseStream') this.#closeStream();
  }

  protected candidates(targetMs: number): Candidate[] {
    const candidates: Candidate[] = [];
    const starting = this.timeline.word(this.#nextStart);
    if (starting) {
      candidates.push({
        at: starting.startMs,
        rank: 0,
        run: () => {
          this.#nextStart++;
          if (!this.#speaking && this.#vadEvents) this.socket.sendJson({ type: 'SpeechStarted', channel: [0, 1], timestamp: seconds(starting.startMs) });
          this.#speaking = true;
        },
      });
    }
    if (this.#interim) {
      const tick = this.#lastTickMs + this.settings.interimEveryMs;
      candidates.push({ at: tick, rank: 1, run: () => this.#tick(tick) });
    }
    const last = this.#nextStart > this.#firstOpen ? this.timeline.word(this.#nextStart - 1) : undefined;
    if (last) {
      const following = this.timeline.nextWordFrom(last.endMs);
      const at = last.endMs + this.#finalGapMs;
      if (!following || following.startMs >= at) candidates.push({ at, rank: 2, run: () => this.#final(at, { fromFinalize: false, speechFinal: this.#speechFinal, always: false }) });
    }
    const spoken = this.#nextStart > 0 ? this.timeline.word(this.#nextStart - 1) : undefined;
    if (this.#utteranceEndMs !== undefined && this.#interim && spoken && spoken.endMs !== this.#utteranceEndFor) {
      const at = spoken.endMs + this.#utteranceEndMs;
      const after = this.timeline.nextWordFrom(spoken.endMs);
      if (!after || after.startMs >= at) {
        candidates.push({
          at,
          rank: 3,
          run: () => {
            this.#utteranceEndFor = spoken.endMs;
            this.#speaking = false;
            this.socket.sendJson({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: seconds(spoken.endMs) });
          },
        });
      }
    }
    return candidates;
  }

  /** Words heard by `ms` that no final result has carried yet. */
  #openWords(ms: number): HeardWord[] {
    return this.timeline.heardFrom(this.#firstOpen, ms);
  }

  #tick(tickMs: number): void {
    this.#lastTickMs = tickMs;
    const words = this.#openWords(tickMs);
    if (words.length === 0 || words.length === this.#lastInterimCount) return;
    this.#lastInterimCount = words.length;
    this.socket.sendJson(this.#results(words, tickMs, { isFinal: false, speechFinal: false, fromFinalize: false }));
  }

  #final(ms: number, how: { readonly fromFinalize: boolean; readonly speechFinal: boolean; readonly always: boolean }): void {
    const words = this.#openWords(ms);
    if (words.length === 0 && !how.always) return;
    this.socket.sendJson(this.#results(words, ms, { isFinal: true, speechFinal: how.speechFinal && words.length > 0, fromFinalize: how.fromFinalize }));
    this.#firstOpen += words.length;
    this.#nextStart = Math.max(this.#nextStart, this.#firstOpen);
    this.#segmentStartMs = ms;
    this.#lastInterimCount = 0;
    if (how.speechFinal) this.#speaking = false;
  }

  #results(words: readonly HeardWord[], untilMs: number, flags: { readonly isFinal: boolean; readonly speechFinal: boolean; readonly fromFinalize: boolean }): ListenV1Results {
    return {
      type: 'Results',
      channel_index: [0, 1],
      duration: seconds(untilMs - this.#segmentStartMs),
      start: seconds(this.#segmentStartMs),
      is_final: flags.isFinal,
      speech_final: flags.speechFinal,
      channel: {
        alternatives: [
          {
            transcript: words.map((w) => (this.#punctuate ? w.punctuated : w.word)).join(' '),
            confidence: words.length > 0 ? 0.98 : 0,
            words: words.map((w) => ({
              word: w.word,
              start: seconds(w.startMs),
              end: seconds(w.endMs),
              confidence: 0.98,
              ...(this.#punctuate ? { punctuated_word: w.punctuated } : {}),
            })),
          },
        ],
      },
      metadata: { request_id: this.ids.requestId, model_info: { name: '2-general-nova', version: '2024-01-18.26916', arch: 'nova-3' }, model_uuid: this.ids.modelUuid },
      from_finalize: flags.fromFinalize,
    };
  }

  #closeStream(): void {
    this.#final(this.audioMs, { fromFinalize: false, speechFinal: false, always: false });
    this.socket.sendJson({
      type: 'Metadata',
      transaction_key: 'deprecated',
      request_id: this.ids.requestId,
      sha256: '0'.repeat(64),
      created: '2025-01-01T00:00:00.000Z',
      duration: seconds(this.audioMs),
      channels: 1,
    });
    this.socket.closeAfterSent(1000, '');
  }
}
