/**
 * A recorder on the websocket seam, as a cassette recorder would be: it wraps a
 * {@link WebSocketFactory} and notes every frame in both directions.
 *
 * @module
 */
import { openWebSocket, type WebSocketFactory } from '../transport/websocket.js';

/** A frame seen on the seam: `out` to the server, `in` from it (binary as bytes). */
export interface SeenFrame {
  readonly dir: 'out' | 'in';
  readonly frame: string | Uint8Array;
}

/** A factory that opens real sockets with `inner` and pushes every frame onto `frames`. */
export function recordingFactory(frames: SeenFrame[], inner: WebSocketFactory = openWebSocket): WebSocketFactory {
  return async (url, headers) => {
    const transport = await inner(url, headers);
    const bytes = (data: unknown): string | Uint8Array =>
      typeof data === 'string' ? data : data instanceof Uint8Array ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data as ArrayBuffer);
    return {
      send: (data) => {
        frames.push({ dir: 'out', frame: bytes(data) });
        return transport.send(data);
      },
      onMessage: (listener) =>
        transport.onMessage((message) => {
          frames.push({ dir: 'in', frame: bytes(message) });
          listener(message);
        }),
      onOpen: (listener) => transport.onOpen(listener),
      onError: (listener) => transport.onError(listener),
      onClose: (listener) => transport.onClose(listener),
      isOpen: () => transport.isOpen(),
      close: (code, reason) => transport.close(code, reason),
    };
  };
}
