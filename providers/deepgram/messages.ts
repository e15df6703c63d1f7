/**
 * Shapes of the Deepgram streaming messages this package reads and writes, as the server sends
 * them (field names as on the wire; see the SDK's `ListenV1Results`, `ListenV2TurnInfo`,
 * `SpeakV1Flushed` … types). Only the fields used here are listed.
 *
 * @module
 */

/** A word of a `listen.v1` result. Times are seconds of audio since the stream began. */
export interface ListenV1Word {
  readonly word: string;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
  readonly punctuated_word?: string;
}

/** `listen.v1` `Results`. */
export interface ListenV1Results {
  readonly type: 'Results';
  readonly channel_index: readonly number[];
  readonly duration: number;
  readonly start: number;
  readonly is_final?: boolean;
  readonly speech_final?: boolean;
  readonly from_finalize?: boolean;
  readonly channel: { readonly alternatives: readonly { readonly transcript: string; readonly confidence: number; readonly words: readonly ListenV1Word[] }[] };
  readonly metadata: { readonly request_id: string; readonly model_uuid: string; readonly model_info: { readonly name: string; readonly version: string; readonly arch: string } };
}

/** `listen.v1` `SpeechStarted`. */
export interface ListenV1SpeechStarted {
  readonly type: 'SpeechStarted';
  readonly channel: readonly number[];
  readonly timestamp: number;
}

/** `listen.v1` `UtteranceEnd`. */
export interface ListenV1UtteranceEnd {
  readonly type: 'UtteranceEnd';
  readonly channel: readonly number[];
  readonly last_word_end: number;
}

/** `listen.v1` `Metadata` (sent when the stream closes). */
export interface ListenV1Metadata {
  readonly type: 'Metadata';
  readonly transaction_key: string;
  readonly request_id: string;
  readonly sha256: string;
  readonly created: string;
  readonly duration: number;
  readonly channels: number;
}

/** Flux (`listen.v2`) turn events. */
export type FluxEvent = 'Update' | 'StartOfTurn' | 'EagerEndOfTurn' | 'TurnResumed' | 'EndOfTurn';

/** Flux `TurnInfo`. Times are seconds of audio since the stream began. */
export interface ListenV2TurnInfo {
  readonly type: 'TurnInfo';
  readonly request_id: string;
  readonly sequence_id: number;
  readonly event: FluxEvent;
  readonly turn_index: number;
  readonly audio_window_start: number;
  readonly audio_window_end: number;
  readonly transcript: string;
  readonly words: readonly { readonly word: string; readonly confidence: number; readonly start?: number; readonly end?: number }[];
  readonly end_of_turn_confidence: number;
  readonly trigger?: string;
}

/** Flux `Connected`. */
export interface ListenV2Connected {
  readonly type: 'Connected';
  readonly request_id: string;
  readonly sequence_id: number;
}

/** Flux fatal `Error`. */
export interface ListenV2FatalError {
  readonly type: 'Error';
  readonly sequence_id: number;
  readonly code: string;
  readonly description: string;
}

/** `speak.v1` `Metadata` (sent when the socket opens). */
export interface SpeakV1Metadata {
  readonly type: 'Metadata';
  readonly request_id: string;
  readonly model_name: string;
  readonly model_version: string;
  readonly model_uuid: string;
}

/** `speak.v1` acknowledgements. */
export interface SpeakV1Ack {
  readonly type: 'Flushed' | 'Cleared';
  readonly sequence_id: number;
}

/** `speak.v1` `Warning`. */
export interface SpeakV1Warning {
  readonly type: 'Warning';
  readonly description: string;
  readonly code: string;
}

/** A client control message (`KeepAlive`, `Finalize`, `CloseStream`, `Flush`, `Clear`, `Close`). */
export interface ControlMessage {
  readonly type: 'KeepAlive' | 'Finalize' | 'CloseStream' | 'Flush' | 'Clear' | 'Close';
}

/** `speak.v1` `Speak`. */
export interface SpeakMessage {
  readonly type: 'Speak';
  readonly text: string;
}

/** True for a JSON object whose `type` is a string. */
export function isTyped(value: unknown): value is { readonly type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
