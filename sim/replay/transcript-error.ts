/** A transcript that cannot be used, in one line naming the file. */
export class TranscriptError extends Error {
  override readonly name = 'TranscriptError';
}
