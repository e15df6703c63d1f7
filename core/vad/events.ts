/**
 * Voice-activity decisions, the same whether they come from a frame VAD through
 * {@link VadHysteresis}, from a simulated sensor, or from a recording's analysis.
 * Times are ms on the session clock.
 */
export type VadEvent =
  /** Speech began at `onsetMs` (decided later, after min-speech). `levelDb`: mic level, when known. */
  | { readonly type: 'speech_start'; readonly onsetMs: number; readonly levelDb?: number }
  /** Speech ended at `speechEndMs` (decided later, after min-silence). */
  | { readonly type: 'speech_end'; readonly speechEndMs: number };
