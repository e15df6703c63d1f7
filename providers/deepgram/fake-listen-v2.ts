/**
 * The Flux (`listen.v2`) side of the Deepgram fake: `Connected`, then `TurnInfo` events at their
 * places in the audio received: StartOfTurn when the first word of a turn is heard, Update at the
 * interim cadence, EagerEndOfTurn after `eager_after` of silence (only with
 * `eager_eot_threshold`), TurnResumed when speech comes back after it, EndOfTurn after
 * `end_after` (or `eot_timeout_ms`, if shorter). `ForceEndTurn` ends the turn at once,
 * `Configure` is acknowledged, `CloseStream` closes.
 *
 * @module
 */
import type { FakeSocket } from '../fake/connection.js';
import type { ListenSettings } from './fake-script.js';
import type { HeardWord } from './fake-speech.js';
import { ListeningFake, seconds, type Candidate, type FakeIds } from './fake-listening.js';
import type { FluxEvent } from './messages.js';

/** One Flux connection of the fake. */
export class ListenV2Fake extends ListeningFake {
  readonly #eager: boolean;
  readonly #endAfterMs: number;
  readonly #timeoutTrigger: boolean;
  #sequence = 0;
  #lastTickMs = 0;
  #turnIndex = 0;
  /** Index of the first word of the open turn (or of the next turn). */
  #turnFirst = 0;
  /** Index of the next word not yet started. */
  #nextStart = 0;
  #turnOpen = false;
  #eagerSent = false;
  #reported = 0;

  constructor(socket: FakeSocket, query: URLSearchParams, settings: ListenSettings, ids: FakeIds) {
    super(socket, query, settings, ids);
    this.#eager = query.has('eager_eot_threshold');
    const timeout = query.get('eot_timeout_ms');
    const timeoutMs = timeout !== null ? Number(timeout) : Infinity;
    this.#endAfterMs = Math.min(settings.endAfterMs, timeoutMs);
    this.#timeoutTrigger = timeoutMs < settings.endAfterMs;
    this.#send({ type: 'Connected', request_id: ids.requestId, sequence_id: this.#sequence++ });
  }

  protected control(message: { readonly type?: unknown }): void {
    switch (message.type) {
      case 'ForceEndTurn':
        if (this.#turnOpen) this.#endTurn('manual');
        return;
      case 'Configure':
        this.#send({ type: 'ConfigureSuccess', request_id: this.ids.requestId, sequence_id: this.#sequence++ });
        return;
      case 'CloseStream':
        this.socket.closeAfterSent(1000, '');
        return;
    }
  }

  protected candidates(targetMs: number): Candidate[] {
    const candidates: Candidate[] = [];
    const starting = this.timeline.word(this.#nextStart);
    if (starting) candidates.push({ at: starting.startMs, rank: 0, run: () => this.#wordStarts() });
    if (!this.#turnOpen && this.#nextStart > this.#turnFirst) {
      // The first word of a turn opens it once heard.
      const first = this.timeline.word(this.#turnFirst)!;
      candidates.push({ at: first.endMs, rank: 1, run: () => this.#startTurn(first.endMs) });
    }
    const tick = this.#lastTickMs + this.settings.interimEveryMs;
    candidates.push({ at: tick, rank: 2, run: () => this.#tick(tick) });
    const last = this.#turnOpen && this.#nextStart > this.#turnFirst ? this.timeline.word(this.#nextStart - 1) : undefined;
    if (last) {
      const following = this.timeline.nextWordFrom(last.endMs);
      const quietUntil = following ? following.startMs : Infinity;
      const eagerAt = last.endMs + this.settings.eagerAfterMs;
      if (this.#eager && !this.#eagerSent && eagerAt < last.endMs + this.#endAfterMs && quietUntil >= eagerAt) {
        candidates.push({ at: eagerAt, rank: 3, run: () => this.#turnInfo('EagerEndOfTurn', eagerAt) });
      }
      const endAt = last.endMs + this.#endAfterMs;
      if (quietUntil >= endAt) candidates.push({ at: endAt, rank: 4, run: () => this.#endTurn(this.#timeoutTrigger ? 'timeout' : 'model') });
    }
    return candidates;
  }

  #wordStarts(): void {
    this.#nextStart++;
    if (this.#turnOpen && this.#eagerSent) this.#turnInfo('TurnResumed', this.audioMs);
  }

  #startTurn(atMs: number): void {
    this.#turnOpen = true;
    this.#turnInfo('StartOfTurn', atMs);
  }

  #tick(tickMs: number): void {
    this.#lastTickMs = tickMs;
    if (this.#turnOpen && this.#heard(tickMs).length > this.#reported) this.#turnInfo('Update', tickMs);
  }

  #endTurn(trigger: string): void {
    this.#turnInfo('EndOfTurn', this.audioMs, trigger);
    this.#turnOpen = false;
    this.#eagerSent = false;
    this.#turnIndex++;
    this.#turnFirst = this.#nextStart;
    this.#reported = 0;
  }

  /** Words of the open turn heard by `ms`. */
  #heard(ms: number): HeardWord[] {
    return this.timeline.heardFrom(this.#turnFirst, ms, this.#nextStart);
  }

  #turnInfo(event: FluxEvent, atMs: number, trigger?: string): void {
    if (event === 'EagerEndOfTurn') this.#eagerSent = true;
    if (event === 'TurnResumed') this.#eagerSent = false;
    const words = this.#heard(atMs);
    this.#reported = words.length;
    const confidence = event === 'EndOfTurn' ? 0.92 : event === 'EagerEndOfTurn' ? 0.65 : 0.05;
    this.#send({
      type: 'TurnInfo',
      request_id: this.ids.requestId,
      sequence_id: this.#sequence++,
      event,
      turn_index: this.#turnIndex,
      audio_window_start: seconds(words[0]?.startMs ?? atMs),
      audio_window_end: seconds(atMs),
      transcript: words.map((w) => w.punctuated).join(' '),
      words: words.map((w) => ({ word: w.punctuated, confidence: 0.98 })),
      end_of_turn_confidence: confidence,
      ...(trigger !== undefined ? { trigger } : {}),
    });
  }

  #send(message: object): void {
    this.socket.sendJson(message);
  }
}
