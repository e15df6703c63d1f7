/**
 * An audio file that cannot be used: not a WAV file, truncated, empty, in an unsupported format,
 * or unreadable. The message is one line, `${file}: ${reason}`.
 */
export class AudioFileError extends Error {
  override readonly name = 'AudioFileError';

  constructor(
    /** The file as the user named it. */
    readonly file: string,
    /** Why it cannot be used, e.g. `truncated (the data chunk declares 64000 bytes, 1200 are present)`. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
