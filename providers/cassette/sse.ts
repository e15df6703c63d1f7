/**
 * Server-sent events from a byte stream, as the OpenAI SDK reads a streamed chat completion:
 * events end at a blank line, their `data:` lines are joined, `[DONE]` ends the data (the rest
 * of the stream is still read, as the SDK does), and an event whose data carries an `error`
 * fails the stream.
 *
 * @module
 */

/** Why a stream's data could not be read, as the SDK would have failed. */
export class SseDataError extends Error {
  override readonly name = 'SseDataError';
  /** `server`: the stream carried an error; `protocol`: the data was not JSON. */
  readonly kind: 'server' | 'protocol';

  constructor(kind: 'server' | 'protocol', message: string) {
    super(message);
    this.kind = kind;
  }
}

/** The JSON data of each event of `body`, as it arrives. */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  const events = function* (final: boolean): Generator<unknown> {
    for (;;) {
      const end = /\r?\n\r?\n/.exec(buffer);
      if (!end && !final) return;
      const block = end ? buffer.slice(0, end.index) : buffer;
      buffer = end ? buffer.slice(end.index + end[0].length) : '';
      const data = block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''));
      if (data.length > 0 && !done) {
        const text = data.join('\n');
        if (text.startsWith('[DONE]')) done = true;
        else yield parse(text);
      }
      if (!end) return;
    }
  };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    yield* events(false);
  }
  buffer += decoder.decode();
  if (buffer.trim() !== '') yield* events(true);
}

function parse(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SseDataError('protocol', `malformed data in the stream: ${(error as Error).message}`);
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (error !== undefined && error !== null) {
    const message = (error as { message?: unknown }).message;
    throw new SseDataError('server', `error in the stream: ${typeof message === 'string' ? message : JSON.stringify(error)}`);
  }
  return value;
}
