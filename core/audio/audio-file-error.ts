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

/** The one-line reason a file could not be opened or read, from the system's error. */
export function cannotRead(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a WAV file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})`;
}
